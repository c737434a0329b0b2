// BMP read by hand: 24-bit and 32-bit (BI_RGB, or BI_BITFIELDS/ALPHABITFIELDS with channel
// masks), bottom-up or top-down. Palette, 16-bit and RLE files are refused by name. Every offset is
// checked against the file's size in 64 bits before a pixel is touched.

#include <vector>

#include "image/decoder_common.h"

namespace sds::image::detail {
namespace {

constexpr std::uint32_t kRgb = 0, kRle8 = 1, kRle4 = 2, kBitfields = 3, kJpeg = 4, kPng = 5, kAlphaBitfields = 6;

std::uint32_t le16(const std::uint8_t* p) { return p[0] | (p[1] << 8); }
std::uint32_t le32(const std::uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}

// One channel of a 32-bit pixel: where its bits are and how to widen them to 8 bits.
struct Channel {
  std::uint32_t mask = 0;
  int shift = 0, bits = 0;

  static Channel of(std::uint32_t mask) {
    Channel c;
    c.mask = mask;
    if (!mask) return c;
    while (!((mask >> c.shift) & 1u)) ++c.shift;
    while (c.shift + c.bits < 32 && ((mask >> (c.shift + c.bits)) & 1u)) ++c.bits;
    return c;
  }
  bool contiguous() const { return mask && (mask >> shift) == maxValue(); }
  std::uint32_t maxValue() const { return bits >= 32 ? 0xffffffffu : (1u << bits) - 1u; }
  std::uint8_t get(std::uint32_t pixel) const {
    if (!mask) return 255;
    const std::uint32_t v = (pixel & mask) >> shift;
    if (bits == 8) return static_cast<std::uint8_t>(v);
    if (bits > 8) return static_cast<std::uint8_t>(v >> (bits - 8));
    return static_cast<std::uint8_t>((v * 255u + maxValue() / 2) / maxValue());
  }
};

std::string compressionName(std::uint32_t compression) {
  switch (compression) {
    case kRle8: return "RLE8-compressed";
    case kRle4: return "RLE4-compressed";
    case kJpeg: return "JPEG-in-BMP";
    case kPng: return "PNG-in-BMP";
    default: return "compression type " + std::to_string(compression);
  }
}

}  // namespace

DecodedImage decodeBmp(const std::uint8_t* data, std::size_t size, const DecodeOptions& options) {
  if (size < 18) fail(DecodeFailure::Truncated, "the file is truncated (too short for a BMP header)");
  const std::uint32_t headerSize = le32(data + 14);
  if (headerSize == 12 || headerSize == 16 || headerSize == 64)
    fail(DecodeFailure::Unsupported, "an OS/2 BMP, which is not supported (Windows BMP with 24 or 32 bits is)");
  if (size < 14ull + headerSize || size < 54)
    fail(DecodeFailure::Truncated, "the file is truncated (the BMP header is incomplete)");
  const std::uint64_t pixelOffset = le32(data + 10);
  const auto width = static_cast<std::int32_t>(le32(data + 18));
  const auto rawHeight = static_cast<std::int32_t>(le32(data + 22));
  const std::uint32_t bitsPerPixel = le16(data + 28), compression = le32(data + 30);
  const bool topDown = rawHeight < 0;
  const std::int64_t height = topDown ? -static_cast<std::int64_t>(rawHeight) : rawHeight;

  if (bitsPerPixel != 24 && bitsPerPixel != 32)
    fail(DecodeFailure::Unsupported, "a BMP with " + std::to_string(bitsPerPixel) +
                                         " bits per pixel, which is not supported (only 24 and 32 are)");
  const bool masked = compression == kBitfields || compression == kAlphaBitfields;
  if (compression != kRgb && !(bitsPerPixel == 32 && masked))
    fail(DecodeFailure::Unsupported, "a " + compressionName(compression) + " BMP, which is not supported");
  checkDimensions(width, height, options);

  // Masks follow a 40-byte header, or sit inside the larger ones at the same place.
  Channel red = Channel::of(0x00ff0000u), green = Channel::of(0x0000ff00u), blue = Channel::of(0x000000ffu), alpha;
  if (masked) {
    const int maskCount = compression == kAlphaBitfields || headerSize >= 56 ? 4 : 3;
    if (size < 54ull + 4 * maskCount) fail(DecodeFailure::Truncated, "the file is truncated (BMP channel masks missing)");
    red = Channel::of(le32(data + 54));
    green = Channel::of(le32(data + 58));
    blue = Channel::of(le32(data + 62));
    if (maskCount == 4) alpha = Channel::of(le32(data + 66));
    if (!red.contiguous() || !green.contiguous() || !blue.contiguous() || (alpha.mask && !alpha.contiguous()))
      fail(DecodeFailure::Corrupt, "corrupt BMP data (invalid channel masks)");
  }

  const int w = width, h = static_cast<int>(height);
  const std::uint64_t stride = ((static_cast<std::uint64_t>(w) * bitsPerPixel + 31) / 32) * 4;
  const std::uint64_t needed = static_cast<std::uint64_t>(w) * bitsPerPixel / 8;
  if (pixelOffset < 14ull + headerSize || pixelOffset > size)
    fail(DecodeFailure::Corrupt, "corrupt BMP data (the pixel data offset points outside the file)");
  if (pixelOffset + stride * (h - 1) + needed > size)
    fail(DecodeFailure::Truncated, "the file is truncated (the BMP pixel data ends early)");

  // Many writers fill an unused alpha channel with zeros; an image that is transparent everywhere is
  // taken as opaque rather than turned white.
  bool useAlpha = false;
  if (alpha.mask) {
    for (int y = 0; y < h && !useAlpha; ++y) {
      const std::uint8_t* p = data + pixelOffset + stride * y;
      for (int x = 0; x < w && !useAlpha; ++x) useAlpha = (le32(p + 4 * x) & alpha.mask) != 0;
    }
  }

  RowReducer reducer(w, h, reductionFactor(w, h, options.minWidth, options.minHeight));
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * 3), rgba(useAlpha ? static_cast<std::size_t>(w) * 4 : 0);
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* p = data + pixelOffset + stride * static_cast<std::uint64_t>(topDown ? y : h - 1 - y);
    if (bitsPerPixel == 24) {
      for (int x = 0; x < w; ++x, p += 3) {
        rgb[3 * x] = p[2];
        rgb[3 * x + 1] = p[1];
        rgb[3 * x + 2] = p[0];
      }
    } else if (useAlpha) {
      for (int x = 0; x < w; ++x, p += 4) {
        const std::uint32_t v = le32(p);
        rgba[4 * x] = red.get(v);
        rgba[4 * x + 1] = green.get(v);
        rgba[4 * x + 2] = blue.get(v);
        rgba[4 * x + 3] = alpha.get(v);
      }
      compositeOnWhite(rgba.data(), rgb.data(), w);
    } else {
      for (int x = 0; x < w; ++x, p += 4) {
        const std::uint32_t v = le32(p);
        rgb[3 * x] = red.get(v);
        rgb[3 * x + 1] = green.get(v);
        rgb[3 * x + 2] = blue.get(v);
      }
    }
    reducer.addRow(rgb.data());
  }

  DecodedImage out;
  out.image = reducer.finish();
  out.originalWidth = w;
  out.originalHeight = h;
  return out;
}

}  // namespace sds::image::detail
