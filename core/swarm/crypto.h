#pragma once
// The few cryptographic primitives the swarm uses, on libsodium: random bytes, BLAKE2b hashes (plain
// and keyed), constant-time comparison and hex. Everything else in core/swarm goes through here or
// through libsodium's own higher-level constructions (signatures, key exchange, secretstream).

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace sds::swarm {

using Bytes = std::vector<std::uint8_t>;
using Key32 = std::array<std::uint8_t, 32>;

// Initialises libsodium once; every entry point of core/swarm calls it. Throws if the library
// cannot initialise (no entropy source).
void ensureSodium();

Bytes randomBytes(std::size_t n);
Key32 randomKey();

// BLAKE2b with a 32-byte output; `key` empty means unkeyed. `parts` are hashed as one message.
Key32 hash32(std::initializer_list<std::string_view> parts, const Key32* key = nullptr);

// Constant-time equality of two equally long byte ranges.
bool equalConstantTime(const std::uint8_t* a, const std::uint8_t* b, std::size_t n);

std::string toHex(const std::uint8_t* data, std::size_t n);
template <std::size_t N>
std::string toHex(const std::array<std::uint8_t, N>& a) { return toHex(a.data(), N); }

inline std::string_view asView(const std::uint8_t* data, std::size_t n) {
  return {reinterpret_cast<const char*>(data), n};
}
template <std::size_t N>
std::string_view asView(const std::array<std::uint8_t, N>& a) { return asView(a.data(), N); }
inline std::string_view asView(const Bytes& b) { return asView(b.data(), b.size()); }

}  // namespace sds::swarm
