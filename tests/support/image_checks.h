#pragma once
// Comparing decoded images with the pixels they were made from.

#include <QString>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "image/decode.h"

namespace sds::testimg {

inline image::DecodeResult decodeBytes(const std::string& bytes, const image::DecodeOptions& options = {},
                                       const std::string& name = "test-image") {
  return image::decodeImage(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), name, options);
}

// What the decoder should give for these source pixels: grey widened to RGB, alpha over white.
inline std::vector<std::uint8_t> expectedRgb(const std::vector<std::uint8_t>& pixels, int channels) {
  std::vector<std::uint8_t> out;
  out.reserve(pixels.size() / channels * 3);
  for (std::size_t i = 0; i < pixels.size(); i += channels) {
    const bool grey = channels <= 2;
    const unsigned a = channels == 2 ? pixels[i + 1] : channels == 4 ? pixels[i + 3] : 255u;
    for (int c = 0; c < 3; ++c) {
      const unsigned v = pixels[i + (grey ? 0 : c)];
      out.push_back(static_cast<std::uint8_t>((v * a + 255u * (255u - a) + 127u) / 255u));
    }
  }
  return out;
}

inline int maxDiff(const image::Rgb8Image& image, const std::vector<std::uint8_t>& rgb) {
  if (image.pixels.size() != rgb.size()) return 1000;
  int worst = 0;
  for (std::size_t i = 0; i < rgb.size(); ++i) worst = std::max(worst, std::abs(int(image.pixels[i]) - int(rgb[i])));
  return worst;
}

inline double meanDiff(const image::Rgb8Image& image, const std::vector<std::uint8_t>& rgb) {
  if (image.pixels.size() != rgb.size() || rgb.empty()) return 1000;
  double sum = 0;
  for (std::size_t i = 0; i < rgb.size(); ++i) sum += std::abs(int(image.pixels[i]) - int(rgb[i]));
  return sum / rgb.size();
}

inline QString describe(const image::DecodeResult& result) {
  return QString::fromStdString(result.ok() ? std::string("decoded") : result.message());
}

}  // namespace sds::testimg
