// Only IFD0 is read: the orientation tag (0x0112) lives there. Every offset is checked against the
// block's size, in 64 bits, so no value in a hostile file can point outside it.

#include "image/exif.h"

#include <cstring>

namespace sds::image {
namespace {

struct TiffReader {
  const std::uint8_t* data;
  std::size_t size;
  bool little;

  std::uint32_t u16(std::size_t at) const {
    const std::uint8_t* p = data + at;
    return little ? p[0] | (p[1] << 8) : (p[0] << 8) | p[1];
  }
  std::uint32_t u32(std::size_t at) const {
    const std::uint8_t* p = data + at;
    return little ? p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24)
                  : (std::uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
  }
};

constexpr std::uint32_t kOrientationTag = 0x0112;
constexpr std::uint32_t kTypeShort = 3;
constexpr std::uint32_t kTypeLong = 4;

}  // namespace

int exifOrientation(const std::uint8_t* tiff, std::size_t size) {
  if (!tiff || size < 8) return 1;
  TiffReader r{tiff, size, false};
  if (std::memcmp(tiff, "II*\0", 4) == 0)
    r.little = true;
  else if (std::memcmp(tiff, "MM\0*", 4) != 0)
    return 1;
  const std::uint64_t ifd = r.u32(4);
  if (ifd + 2 > size) return 1;
  const std::uint32_t count = r.u16(static_cast<std::size_t>(ifd));
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t entry = ifd + 2 + 12ull * i;
    if (entry + 12 > size) return 1;
    const auto at = static_cast<std::size_t>(entry);
    if (r.u16(at) != kOrientationTag) continue;
    // A SHORT with count 1 sits in the first two bytes of the value field, in the file's byte order;
    // a few writers store a LONG instead.
    const std::uint32_t type = r.u16(at + 2);
    if ((type != kTypeShort && type != kTypeLong) || r.u32(at + 4) < 1) return 1;
    const std::uint32_t value = type == kTypeShort ? r.u16(at + 8) : r.u32(at + 8);
    return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
  }
  return 1;
}

int exifOrientationFromApp1(const std::uint8_t* payload, std::size_t size) {
  if (!payload || size < 6 || std::memcmp(payload, "Exif\0\0", 6) != 0) return 1;
  return exifOrientation(payload + 6, size - 6);
}

}  // namespace sds::image
