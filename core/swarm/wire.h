#pragma once
// Encoding and decoding of the swarm's messages: little-endian integers, floats and length-prefixed
// byte strings. The reader checks every length against what is left and against the caller's bound
// before it allocates, so a truncated or lying message is a WireError naming the field, never an
// overrun or a huge allocation.

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "swarm/crypto.h"

namespace sds::swarm {

class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ByteWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { little(v, 2); }
  void u32(std::uint32_t v) { little(v, 4); }
  void u64(std::uint64_t v) { little(v, 8); }
  void f32(float v);
  void f64(double v);
  void raw(std::string_view bytes);
  template <std::size_t N>
  void raw(const std::array<std::uint8_t, N>& a) { raw(asView(a)); }
  // A u32 length, then the bytes.
  void bytes(std::string_view b);

  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void little(std::uint64_t v, int n);
  Bytes out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  explicit ByteReader(const Bytes& data) : data_(asView(data)) {}

  std::uint8_t u8(const char* field);
  std::uint16_t u16(const char* field);
  std::uint32_t u32(const char* field);
  std::uint64_t u64(const char* field);
  float f32(const char* field);  // any bit pattern; callers check finiteness where it matters
  double f64(const char* field);
  std::string_view raw(std::size_t n, const char* field);
  template <std::size_t N>
  std::array<std::uint8_t, N> fixed(const char* field) {
    std::array<std::uint8_t, N> a;
    const std::string_view v = raw(N, field);
    std::copy(v.begin(), v.end(), a.begin());
    return a;
  }
  // A u32 length (at most maxLength), then the bytes.
  std::string_view bytes(std::size_t maxLength, const char* field);

  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }
  // Throws unless everything was read: trailing bytes mean a message of another shape.
  void expectEnd(const char* message) const;

 private:
  std::uint64_t little(int n, const char* field);
  std::string_view data_;
  std::size_t pos_ = 0;
};

}  // namespace sds::swarm
