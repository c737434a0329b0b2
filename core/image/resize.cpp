#include "image/resize.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sds::image {
namespace {

constexpr double kPi = 3.14159265358979323846;

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= kPi;
  return std::sin(x) / x;
}

double support(ResizeFilter filter) {
  switch (filter) {
    case ResizeFilter::Box: return 0.5;
    case ResizeFilter::Triangle: return 1.0;
    case ResizeFilter::Bicubic: return 2.0;
    case ResizeFilter::Lanczos3: return 3.0;
  }
  return 3.0;
}

double weight(ResizeFilter filter, double x) {
  switch (filter) {
    case ResizeFilter::Box: return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
    case ResizeFilter::Triangle: x = std::fabs(x); return x < 1.0 ? 1.0 - x : 0.0;
    case ResizeFilter::Bicubic: {
      constexpr double a = -0.5;
      x = std::fabs(x);
      if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
      if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
      return 0.0;
    }
    case ResizeFilter::Lanczos3: return x > -3.0 && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
  }
  return 0.0;
}

// For each output position along one axis: the first input index and the normalised weights of the
// inputs from there on (a fixed count per position, zero-padded).
struct Taps {
  int count = 0;
  std::vector<int> first;
  std::vector<float> weights;  // out × count
};

Taps taps(int in, int out, ResizeFilter filter) {
  const double scale = static_cast<double>(in) / out;
  const double stretch = std::max(scale, 1.0);  // widen the filter when shrinking: antialiasing
  const double reach = support(filter) * stretch;
  Taps t;
  t.count = static_cast<int>(std::ceil(reach)) * 2 + 1;
  t.first.resize(out);
  t.weights.assign(static_cast<std::size_t>(out) * t.count, 0.0f);
  std::vector<double> w(t.count);
  for (int i = 0; i < out; ++i) {
    const double center = (i + 0.5) * scale;
    const int lo = std::max(static_cast<int>(std::floor(center - reach + 0.5)), 0);
    const int hi = std::min(static_cast<int>(std::floor(center + reach + 0.5)), in);
    const int n = std::min(hi - lo, t.count);
    double sum = 0.0;
    for (int k = 0; k < n; ++k) sum += w[k] = weight(filter, (lo + k - center + 0.5) / stretch);
    t.first[i] = lo;
    float* dst = t.weights.data() + static_cast<std::size_t>(i) * t.count;
    for (int k = 0; k < n; ++k) dst[k] = static_cast<float>(sum != 0.0 ? w[k] / sum : 0.0);
  }
  return t;
}

inline void store(float v, float& out) { out = v; }
// Clamped first, so truncating v + 0.5 rounds to nearest (halves up) without a call to floor().
inline void store(float v, std::uint8_t& out) {
  v = std::min(std::max(v, 0.0f), 255.0f);
  out = static_cast<std::uint8_t>(static_cast<int>(v + 0.5f));
}

// Along rows: src is rows × inWidth RGB, dst rows × outWidth. Each row is first widened to float,
// four lanes a pixel (RGB and a zero), in a buffer padded with zeros: every output pixel then runs
// the same number of taps (weights past the row's end are zero) as 4-wide multiply-adds in two
// independent chains, which the compiler turns into vector code.
template <typename In, typename Out>
void horizontal(const In* src, int inWidth, int rows, Out* dst, int outWidth, const Taps& t) {
  std::vector<float> line((static_cast<std::size_t>(inWidth) + t.count + 1) * 4, 0.0f);
  for (int y = 0; y < rows; ++y) {
    const In* row = src + static_cast<std::size_t>(y) * inWidth * 3;
    for (int x = 0; x < inWidth; ++x)
      for (int c = 0; c < 3; ++c) line[4 * static_cast<std::size_t>(x) + c] = row[3 * static_cast<std::size_t>(x) + c];
    Out* out = dst + static_cast<std::size_t>(y) * outWidth * 3;
    for (int x = 0; x < outWidth; ++x) {
      const float* w = t.weights.data() + static_cast<std::size_t>(x) * t.count;
      const float* p = line.data() + static_cast<std::size_t>(t.first[x]) * 4;
      float a[4] = {0, 0, 0, 0}, b[4] = {0, 0, 0, 0};
      int k = 0;
      for (; k + 1 < t.count; k += 2, p += 8)
        for (int c = 0; c < 4; ++c) {
          a[c] += w[k] * p[c];
          b[c] += w[k + 1] * p[4 + c];
        }
      if (k < t.count)
        for (int c = 0; c < 4; ++c) a[c] += w[k] * p[c];
      for (int c = 0; c < 3; ++c) store(a[c] + b[c], out[3 * x + c]);
    }
  }
}

// Along columns: src is inHeight × width RGB, dst outHeight × width; whole rows at a time.
template <typename In, typename Out>
void vertical(const In* src, int width, int inHeight, Out* dst, int outHeight, const Taps& t) {
  const std::size_t rowLength = static_cast<std::size_t>(width) * 3;
  std::vector<float> sum(rowLength);
  for (int y = 0; y < outHeight; ++y) {
    std::fill(sum.begin(), sum.end(), 0.0f);
    const float* w = t.weights.data() + static_cast<std::size_t>(y) * t.count;
    const int n = std::min(t.count, inHeight - t.first[y]);
    for (int k = 0; k < n; ++k) {
      if (w[k] == 0.0f) continue;
      const In* row = src + (static_cast<std::size_t>(t.first[y]) + k) * rowLength;
      for (std::size_t i = 0; i < rowLength; ++i) sum[i] += w[k] * row[i];
    }
    Out* out = dst + static_cast<std::size_t>(y) * rowLength;
    for (std::size_t i = 0; i < rowLength; ++i) store(sum[i], out[i]);
  }
}

}  // namespace

Rgb8Image resize(const Rgb8Image& image, int width, int height, ResizeFilter filter) {
  if (width <= 0 || height <= 0 || image.empty())
    throw std::invalid_argument("cannot resize a " + std::to_string(image.width) + " × " +
                                std::to_string(image.height) + " image to " + std::to_string(width) + " × " +
                                std::to_string(height));
  if (width == image.width && height == image.height) return image;
  Rgb8Image out(width, height);
  const int inW = image.width, inH = image.height;
  if (height == inH) {
    horizontal(image.pixels.data(), inW, inH, out.pixels.data(), width, taps(inW, width, filter));
    return out;
  }
  if (width == inW) {
    vertical(image.pixels.data(), inW, inH, out.pixels.data(), height, taps(inH, height, filter));
    return out;
  }
  const Taps tx = taps(inW, width, filter), ty = taps(inH, height, filter);
  // Run the passes in the order that costs less; a horizontal tap costs about three vertical ones
  // (the vertical pass runs along whole rows, fully vectorised). The intermediate stays in float.
  const double horizontalFirst = 3.0 * inH * width * tx.count + double(height) * width * ty.count;
  const double verticalFirst = double(inW) * height * ty.count + 3.0 * height * width * tx.count;
  if (horizontalFirst <= verticalFirst) {
    // Uninitialised on purpose: every element is written before it is read.
    std::unique_ptr<float[]> between(new float[static_cast<std::size_t>(inH) * width * 3]);
    horizontal(image.pixels.data(), inW, inH, between.get(), width, tx);
    vertical(between.get(), width, inH, out.pixels.data(), height, ty);
  } else {
    std::unique_ptr<float[]> between(new float[static_cast<std::size_t>(height) * inW * 3]);
    vertical(image.pixels.data(), inW, inH, between.get(), height, ty);
    horizontal(between.get(), inW, height, out.pixels.data(), width, tx);
  }
  return out;
}

Size coverSize(int width, int height, int targetWidth, int targetHeight) {
  if (width <= 0 || height <= 0 || targetWidth <= 0 || targetHeight <= 0)
    throw std::invalid_argument("coverSize needs positive sizes");
  const auto w = static_cast<long long>(width), h = static_cast<long long>(height);
  const long long tw = targetWidth, th = targetHeight;
  if (tw * h >= th * w)  // the width binds; the height follows, rounded, never below the target
    return {targetWidth, static_cast<int>(std::max(th, (2 * h * tw + w) / (2 * w)))};
  return {static_cast<int>(std::max(tw, (2 * w * th + h) / (2 * h))), targetHeight};
}

}  // namespace sds::image
