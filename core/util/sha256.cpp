#include "util/sha256.h"

#include <nettle/sha2.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace sds {
namespace {

std::string hexDigest(sha256_ctx& context) {
  std::uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&context, sizeof digest, digest);
  static const char* const kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * sizeof digest);
  for (std::uint8_t byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 15];
  }
  return hex;
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  sha256_ctx context;
  sha256_init(&context);
  sha256_update(&context, data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
  return hexDigest(context);
}

std::string sha256OfFile(const std::string& path, std::uint64_t offset, std::uint64_t length) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read to hash it (" + std::strerror(errno) + ")");
  in.seekg(static_cast<std::streamoff>(offset));
  sha256_ctx context;
  sha256_init(&context);
  std::vector<char> block(1 << 20);
  std::uint64_t left = length;
  while (left > 0 && in) {
    in.read(block.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(block.size(), left)));
    const auto got = static_cast<std::uint64_t>(in.gcount());
    if (got == 0) break;
    sha256_update(&context, got, reinterpret_cast<const std::uint8_t*>(block.data()));
    left -= got;
  }
  if (in.bad()) throw std::runtime_error(path + ": read error while hashing it");
  return hexDigest(context);
}

}  // namespace sds
