#include "swarm/compression.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "swarm/wire.h"

namespace sds::swarm {

namespace {

constexpr std::size_t kBlock = 256;
constexpr float kHalfMax = 65504.0f;

void putF32(Bytes& out, std::size_t at, float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, 4);
  for (int i = 0; i < 4; ++i) out[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(bits >> (8 * i));
}

float getF32(const std::uint8_t* p) {
  std::uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) bits |= static_cast<std::uint32_t>(p[i]) << (8 * i);
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

// The 256 codebook values: the exact minimum and maximum and the quantiles between them, taken from
// a sorted sample of at most 65536 values.
std::vector<float> quantileCodebook(const float* values, std::size_t n) {
  const std::size_t stride = std::max<std::size_t>(1, n / 65536);
  std::vector<float> sample;
  for (std::size_t i = 0; i < n; i += stride) sample.push_back(values[i]);
  std::sort(sample.begin(), sample.end());
  const auto [lo, hi] = std::minmax_element(values, values + n);
  std::vector<float> book(256);
  for (std::size_t k = 0; k < 256; ++k) {
    book[k] = sample[std::min(sample.size() - 1, k * (sample.size() - 1) / 255)];
  }
  book.front() = *lo;
  book.back() = *hi;
  std::sort(book.begin(), book.end());
  return book;
}

std::uint8_t nearestCode(const std::vector<float>& book, float v) {
  const auto it = std::lower_bound(book.begin(), book.end(), v);
  if (it == book.begin()) return 0;
  if (it == book.end()) return 255;
  const auto below = it - 1;
  return static_cast<std::uint8_t>((v - *below <= *it - v) ? below - book.begin() : it - book.begin());
}

}  // namespace

std::string compressionName(Compression c) {
  switch (c) {
    case Compression::None: return "none";
    case Compression::Float16: return "fp16";
    case Compression::Uniform8: return "uniform8";
    case Compression::Quantile8: return "quantile8";
  }
  return "unknown";
}

std::optional<Compression> parseCompression(std::string_view name) {
  for (Compression c : {Compression::None, Compression::Float16, Compression::Uniform8, Compression::Quantile8}) {
    if (compressionName(c) == name) return c;
  }
  return std::nullopt;
}

std::uint16_t floatToHalf(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  const std::uint32_t floatExponent = (x >> 23) & 0xffu;
  std::uint32_t mantissa = x & 0x7fffffu;
  if (floatExponent == 0xffu) return static_cast<std::uint16_t>(sign | 0x7c00u | (mantissa ? 0x200u : 0u));
  const int exponent = static_cast<int>(floatExponent) - 127 + 15;
  if (exponent >= 31) return static_cast<std::uint16_t>(sign | 0x7c00u);
  if (exponent <= 0) {  // a subnormal half, or zero
    if (exponent < -10) return static_cast<std::uint16_t>(sign);
    mantissa |= 0x800000u;
    const int shift = 14 - exponent;
    std::uint32_t half = mantissa >> shift;
    const std::uint32_t rest = mantissa & ((1u << shift) - 1u);
    const std::uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
    return static_cast<std::uint16_t>(sign | half);
  }
  std::uint32_t half = sign | (static_cast<std::uint32_t>(exponent) << 10) | (mantissa >> 13);
  const std::uint32_t rest = mantissa & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;  // a carry rounds up the exponent, as it should
  return static_cast<std::uint16_t>(half);
}

float halfToFloat(std::uint16_t h) {
  const std::uint32_t sign = (static_cast<std::uint32_t>(h) & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu;
  const std::uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {
    const float v = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -v : v;
  }
  std::uint32_t bits;
  if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent - 15 + 127) << 23) | (mantissa << 13);
  }
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

std::size_t compressedSizeBound(std::size_t n, Compression format) {
  switch (format) {
    case Compression::None: return 4 * n;
    case Compression::Float16: return 2 * n;
    case Compression::Uniform8: return n + 8 * ((n + kBlock - 1) / kBlock);
    case Compression::Quantile8: return n + 4 * 256;
  }
  return 4 * n;
}

Compressed compress(const float* values, std::size_t n, Compression wanted) {
  Compressed out;
  out.format = wanted;
  if (wanted == Compression::Float16) {
    const bool fits = std::all_of(values, values + n, [](float v) { return std::fabs(v) <= kHalfMax; });
    if (!fits) out.format = Compression::None;
  }
  if (wanted == Compression::Quantile8 && n == 0) out.format = Compression::None;
  Bytes& p = out.payload;
  p.resize(compressedSizeBound(n, out.format));
  switch (out.format) {
    case Compression::None:
      for (std::size_t i = 0; i < n; ++i) putF32(p, 4 * i, values[i]);
      break;
    case Compression::Float16:
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint16_t h = floatToHalf(values[i]);
        p[2 * i] = static_cast<std::uint8_t>(h);
        p[2 * i + 1] = static_cast<std::uint8_t>(h >> 8);
      }
      break;
    case Compression::Uniform8: {
      std::size_t at = 0;
      for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t end = std::min(n, start + kBlock);
        const auto [lo, hi] = std::minmax_element(values + start, values + end);
        const float scale = (*hi - *lo) / 255.0f;
        putF32(p, at, *lo);
        putF32(p, at + 4, scale);
        at += 8;
        for (std::size_t i = start; i < end; ++i) {
          const float code = scale > 0 ? std::nearbyint((values[i] - *lo) / scale) : 0.0f;
          p[at++] = static_cast<std::uint8_t>(std::clamp(code, 0.0f, 255.0f));
        }
      }
      p.resize(at);
      break;
    }
    case Compression::Quantile8: {
      const std::vector<float> book = quantileCodebook(values, n);
      for (std::size_t k = 0; k < 256; ++k) putF32(p, 4 * k, book[k]);
      for (std::size_t i = 0; i < n; ++i) p[1024 + i] = nearestCode(book, values[i]);
      break;
    }
  }
  return out;
}

void decompress(std::string_view payload, Compression format, float* out, std::size_t n) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(payload.data());
  const std::size_t expected = compressedSizeBound(n, format);
  if (payload.size() != expected) {
    throw WireError(compressionName(format) + " payload of " + std::to_string(payload.size()) + " bytes for " +
                    std::to_string(n) + " values (expected " + std::to_string(expected) + ")");
  }
  switch (format) {
    case Compression::None:
      for (std::size_t i = 0; i < n; ++i) out[i] = getF32(p + 4 * i);
      return;
    case Compression::Float16:
      for (std::size_t i = 0; i < n; ++i) out[i] = halfToFloat(static_cast<std::uint16_t>(p[2 * i] | (p[2 * i + 1] << 8)));
      return;
    case Compression::Uniform8: {
      std::size_t at = 0;
      for (std::size_t start = 0; start < n; start += kBlock) {
        const float lo = getF32(p + at);
        const float scale = getF32(p + at + 4);
        if (!std::isfinite(lo) || !std::isfinite(scale) || scale < 0) throw WireError("uniform8 block with a bad range");
        at += 8;
        const std::size_t end = std::min(n, start + kBlock);
        for (std::size_t i = start; i < end; ++i) out[i] = lo + scale * static_cast<float>(p[at++]);
      }
      return;
    }
    case Compression::Quantile8: {
      float book[256];
      for (std::size_t k = 0; k < 256; ++k) {
        book[k] = getF32(p + 4 * k);
        if (!std::isfinite(book[k])) throw WireError("quantile8 codebook with a non-finite value");
      }
      for (std::size_t i = 0; i < n; ++i) out[i] = book[p[1024 + i]];
      return;
    }
  }
  throw WireError("unknown compression " + std::to_string(static_cast<int>(format)));
}

std::vector<double> compressionErrorBounds(const float* values, std::size_t n, Compression format) {
  std::vector<double> bounds(n, 0.0);
  switch (format) {
    case Compression::None:
      break;
    case Compression::Float16:
      for (std::size_t i = 0; i < n; ++i) {
        bounds[i] = std::max(std::fabs(static_cast<double>(values[i])) * std::ldexp(1.0, -11), std::ldexp(1.0, -25));
      }
      break;
    case Compression::Uniform8:
      for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t end = std::min(n, start + kBlock);
        const auto [lo, hi] = std::minmax_element(values + start, values + end);
        // Half a step, and the float rounding of lo + step·code.
        const double bound = (static_cast<double>(*hi) - *lo) / 510.0 * (1 + 1e-5) +
                             4e-7 * std::max(std::fabs(*lo), std::fabs(*hi));
        std::fill(bounds.begin() + static_cast<long>(start), bounds.begin() + static_cast<long>(end), bound);
      }
      break;
    case Compression::Quantile8: {
      if (n == 0) break;
      const std::vector<float> book = quantileCodebook(values, n);
      double widest = 0;
      for (std::size_t k = 1; k < book.size(); ++k) widest = std::max(widest, static_cast<double>(book[k]) - book[k - 1]);
      std::fill(bounds.begin(), bounds.end(), widest / 2);
      break;
    }
  }
  return bounds;
}

}  // namespace sds::swarm
