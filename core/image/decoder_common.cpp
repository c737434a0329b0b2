#include "image/decoder_common.h"

#include <algorithm>

#include "image/orientation.h"

namespace sds::image::detail {

void checkDimensions(std::int64_t width, std::int64_t height, const DecodeOptions& options) {
  if (width <= 0 || height <= 0)
    fail(DecodeFailure::Corrupt,
         "impossible dimensions " + std::to_string(width) + " × " + std::to_string(height) + " in the header");
  // Both sides fit in 31 bits in every format read here, so the product cannot overflow.
  const auto pixels = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
  if (width > 0x7fffffff || height > 0x7fffffff || pixels > options.maxPixels)
    fail(DecodeFailure::TooLarge, std::to_string(width) + " × " + std::to_string(height) + " = " +
                                      std::to_string(pixels) + " pixels is over the limit of " +
                                      std::to_string(options.maxPixels) + " (decompression bomb protection)");
}

int reductionFactor(int width, int height, int minWidth, int minHeight) {
  if (minWidth <= 0 || minHeight <= 0) return 1;
  // ceil(n/k) ≥ m  ⇔  k·(m−1) ≤ n−1; with m = 1 any k up to n keeps one pixel.
  auto largest = [](int n, int m) { return m <= 1 ? n : (n - 1) / (m - 1); };
  return std::max(1, std::min(largest(width, minWidth), largest(height, minHeight)));
}

void storedMinimum(const DecodeOptions& options, int orientation, int& minWidth, int& minHeight) {
  const bool swap = orientationSwapsSides(orientation);
  minWidth = swap ? options.minHeight : options.minWidth;
  minHeight = swap ? options.minWidth : options.minHeight;
}

RowReducer::RowReducer(int width, int height, int factor)
    : width_(width), height_(height), factor_(std::max(1, factor)),
      out_((width + factor_ - 1) / factor_, (height + factor_ - 1) / factor_) {
  if (factor_ > 1) sums_.assign(static_cast<std::size_t>(out_.width) * 3, 0);
}

void RowReducer::addRow(const std::uint8_t* rgb) {
  if (outY_ >= out_.height) return;
  if (factor_ == 1) {
    std::copy(rgb, rgb + static_cast<std::size_t>(width_) * 3, out_.row(outY_++));
    return;
  }
  for (int x = 0; x < width_; ++x) {
    std::uint64_t* sum = sums_.data() + static_cast<std::size_t>(x / factor_) * 3;
    sum[0] += rgb[3 * x];
    sum[1] += rgb[3 * x + 1];
    sum[2] += rgb[3 * x + 2];
  }
  if (++rowsInBand_ == factor_) flush();
}

void RowReducer::flush() {
  if (rowsInBand_ == 0) return;
  std::uint8_t* out = out_.row(outY_++);
  for (int ox = 0; ox < out_.width; ++ox) {
    const int columns = std::min(factor_, width_ - ox * factor_);
    const std::uint64_t count = static_cast<std::uint64_t>(columns) * rowsInBand_;
    for (int c = 0; c < 3; ++c) {
      std::uint64_t& sum = sums_[static_cast<std::size_t>(ox) * 3 + c];
      out[ox * 3 + c] = static_cast<std::uint8_t>((sum + count / 2) / count);
      sum = 0;
    }
  }
  rowsInBand_ = 0;
}

Rgb8Image RowReducer::finish() {
  if (factor_ > 1) flush();
  return std::move(out_);
}

void compositeOnWhite(const std::uint8_t* rgba, std::uint8_t* rgb, int width) {
  for (int x = 0; x < width; ++x, rgba += 4, rgb += 3) {
    const unsigned a = rgba[3];
    for (int c = 0; c < 3; ++c) rgb[c] = static_cast<std::uint8_t>((rgba[c] * a + 255u * (255u - a) + 127u) / 255u);
  }
}

DecodedImage uprightImage(Rgb8Image stored, int storedWidth, int storedHeight, int orientation) {
  const bool swap = orientationSwapsSides(orientation);
  DecodedImage out;
  out.image = applyOrientation(std::move(stored), orientation);
  out.originalWidth = swap ? storedHeight : storedWidth;
  out.originalHeight = swap ? storedWidth : storedHeight;
  out.orientation = orientation;
  return out;
}

}  // namespace sds::image::detail
