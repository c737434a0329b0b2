// WebP through libwebp: lossy, lossless and alpha. The header is read first (size limit), then the
// image is decoded straight into our own buffer, scaled by libwebp when a smaller size is enough; an
// EXIF orientation in an extended file is applied.

#include <webp/decode.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "image/decoder_common.h"
#include "image/exif.h"
#include "image/orientation.h"

namespace sds::image::detail {
namespace {

[[noreturn]] void raise(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_NOT_ENOUGH_DATA:
      fail(DecodeFailure::Truncated, "the file is truncated (the WebP data ends early)");
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      fail(DecodeFailure::Unsupported, "a WebP feature this decoder does not support");
    case VP8_STATUS_OUT_OF_MEMORY:
      throw std::bad_alloc();
    default:
      fail(DecodeFailure::Corrupt, "corrupt WebP data (status " + std::to_string(static_cast<int>(status)) + ")");
  }
}

// The smallest size with the image's aspect ratio that covers minW × minH (libwebp scales to any
// size); the full size when that is not smaller.
void scaledSize(int width, int height, int minW, int minH, int& outW, int& outH) {
  outW = width;
  outH = height;
  if (minW <= 0 || minH <= 0 || (minW >= width && minH >= height)) return;
  const auto w = static_cast<long long>(width), h = static_cast<long long>(height);
  long long sw, sh;
  if (minW * h >= minH * w) {  // the width binds
    sw = minW;
    sh = (h * minW + w - 1) / w;
  } else {
    sh = minH;
    sw = (w * minH + h - 1) / h;
  }
  if (sw < width && sh < height) {
    outW = static_cast<int>(sw);
    outH = static_cast<int>(sh);
  }
}

std::uint32_t le32(const std::uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}

// The EXIF orientation of an extended (VP8X) file whose flags announce an EXIF chunk; 1 otherwise.
// The chunk holds TIFF data, by some writers prefixed with "Exif\0\0" as in JPEG.
int orientationOf(const std::uint8_t* data, std::size_t size) {
  constexpr std::uint8_t kExifFlag = 0x08;
  if (size < 30 || std::memcmp(data + 12, "VP8X", 4) != 0 || !(data[20] & kExifFlag)) return 1;
  for (std::uint64_t at = 12; at + 8 <= size;) {
    const std::uint64_t length = le32(data + at + 4);
    const std::uint8_t* payload = data + at + 8;
    const std::size_t available = static_cast<std::size_t>(std::min<std::uint64_t>(length, size - at - 8));
    if (std::memcmp(data + at, "EXIF", 4) == 0) {
      if (available >= 6 && std::memcmp(payload, "Exif\0\0", 6) == 0) return exifOrientationFromApp1(payload, available);
      return exifOrientation(payload, available);
    }
    at += 8 + length + (length & 1);  // chunks are padded to even sizes
  }
  return 1;
}

}  // namespace

DecodedImage decodeWebp(const std::uint8_t* data, std::size_t size, const DecodeOptions& options) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) fail(DecodeFailure::Unsupported, "the WebP library version does not match");
  VP8StatusCode status = WebPGetFeatures(data, size, &config.input);
  if (status != VP8_STATUS_OK) raise(status);
  if (config.input.has_animation)
    fail(DecodeFailure::Unsupported, "an animated WebP, which is not supported (only still images are)");
  const int width = config.input.width, height = config.input.height;
  checkDimensions(width, height, options);

  const int orientation = orientationOf(data, size);
  int minW = 0, minH = 0;
  storedMinimum(options, orientation, minW, minH);
  int outW = width, outH = height;
  scaledSize(width, height, minW, minH, outW, outH);
  if (outW != width || outH != height) {
    config.options.use_scaling = 1;
    config.options.scaled_width = outW;
    config.options.scaled_height = outH;
  }
  const bool alpha = config.input.has_alpha != 0;
  const int channels = alpha ? 4 : 3;
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(outW) * outH * channels);
  config.output.colorspace = alpha ? MODE_RGBA : MODE_RGB;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = pixels.data();
  config.output.u.RGBA.stride = outW * channels;
  config.output.u.RGBA.size = pixels.size();
  status = WebPDecode(data, size, &config);
  WebPFreeDecBuffer(&config.output);  // nothing to free with external memory, but keeps the contract
  if (status != VP8_STATUS_OK) raise(status);

  Rgb8Image image;
  if (alpha) {
    image = Rgb8Image(outW, outH);
    for (int y = 0; y < outH; ++y)
      compositeOnWhite(pixels.data() + static_cast<std::size_t>(y) * outW * 4, image.row(y), outW);
  } else {
    image.width = outW;
    image.height = outH;
    image.pixels = std::move(pixels);
  }
  return uprightImage(std::move(image), width, height, orientation);
}

}  // namespace sds::image::detail
