#include "swarm/wire.h"

#include <cstring>

namespace sds::swarm {

void ByteWriter::little(std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void ByteWriter::raw(std::string_view bytes) {
  if (bytes.empty()) return;
  const std::size_t at = out_.size();
  out_.resize(at + bytes.size());
  std::memcpy(out_.data() + at, bytes.data(), bytes.size());
}

void ByteWriter::f32(float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, 4);
  u32(bits);
}

void ByteWriter::f64(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, 8);
  u64(bits);
}

void ByteWriter::bytes(std::string_view b) {
  u32(static_cast<std::uint32_t>(b.size()));
  raw(b);
}

std::uint64_t ByteReader::little(int n, const char* field) {
  const std::string_view v = raw(static_cast<std::size_t>(n), field);
  std::uint64_t out = 0;
  for (int i = 0; i < n; ++i) out |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(v[i])) << (8 * i);
  return out;
}

std::uint8_t ByteReader::u8(const char* field) { return static_cast<std::uint8_t>(little(1, field)); }
std::uint16_t ByteReader::u16(const char* field) { return static_cast<std::uint16_t>(little(2, field)); }
std::uint32_t ByteReader::u32(const char* field) { return static_cast<std::uint32_t>(little(4, field)); }
std::uint64_t ByteReader::u64(const char* field) { return little(8, field); }

float ByteReader::f32(const char* field) {
  const std::uint32_t bits = u32(field);
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

double ByteReader::f64(const char* field) {
  const std::uint64_t bits = u64(field);
  double v;
  std::memcpy(&v, &bits, 8);
  return v;
}

std::string_view ByteReader::raw(std::size_t n, const char* field) {
  if (n > remaining()) {
    throw WireError(std::string("truncated message: ") + field + " needs " + std::to_string(n) + " bytes, " +
                    std::to_string(remaining()) + " left");
  }
  const std::string_view v = data_.substr(pos_, n);
  pos_ += n;
  return v;
}

std::string_view ByteReader::bytes(std::size_t maxLength, const char* field) {
  const std::uint32_t n = u32(field);
  if (n > maxLength) {
    throw WireError(std::string(field) + " is " + std::to_string(n) + " bytes long, more than the limit of " +
                    std::to_string(maxLength));
  }
  return raw(n, field);
}

void ByteReader::expectEnd(const char* message) const {
  if (remaining() != 0) {
    throw WireError(std::string(message) + " has " + std::to_string(remaining()) + " unexpected trailing bytes");
  }
}

}  // namespace sds::swarm
