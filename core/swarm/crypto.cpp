#include "swarm/crypto.h"

#include <sodium.h>

#include <stdexcept>

namespace sds::swarm {

void ensureSodium() {
  static const int status = sodium_init();  // thread-safe, idempotent
  if (status < 0) throw std::runtime_error("libsodium could not be initialised (no source of randomness?)");
}

Bytes randomBytes(std::size_t n) {
  ensureSodium();
  Bytes out(n);
  randombytes_buf(out.data(), n);
  return out;
}

Key32 randomKey() {
  ensureSodium();
  Key32 k;
  randombytes_buf(k.data(), k.size());
  return k;
}

Key32 hash32(std::initializer_list<std::string_view> parts, const Key32* key) {
  ensureSodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, key ? key->data() : nullptr, key ? key->size() : 0, 32);
  for (std::string_view part : parts) {
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  Key32 out;
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

bool equalConstantTime(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  ensureSodium();
  return sodium_memcmp(a, b, n) == 0;
}

std::string toHex(const std::uint8_t* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 15];
  }
  return out;
}

}  // namespace sds::swarm
