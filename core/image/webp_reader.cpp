// WebP through libwebp: lossy, lossless and alpha. The header is read first (size limit), then the
// image is decoded straight into our own buffer, scaled by libwebp when a smaller size is enough.

#include <webp/decode.h>

#include <vector>

#include "image/decoder_common.h"

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

  int outW = width, outH = height;
  scaledSize(width, height, options.minWidth, options.minHeight, outW, outH);
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

  DecodedImage out;
  out.originalWidth = width;
  out.originalHeight = height;
  if (alpha) {
    out.image = Rgb8Image(outW, outH);
    for (int y = 0; y < outH; ++y)
      compositeOnWhite(pixels.data() + static_cast<std::size_t>(y) * outW * 4, out.image.row(y), outW);
  } else {
    out.image.width = outW;
    out.image.height = outH;
    out.image.pixels = std::move(pixels);
  }
  return out;
}

}  // namespace sds::image::detail
