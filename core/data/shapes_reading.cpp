#include "data/shapes_reading.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "data/shapes_dataset.h"

namespace sds::data {
namespace {

using Rgb = std::array<int, 3>;

Rgb medianOf(std::vector<Rgb> pixels) {
  Rgb m{};
  for (int c = 0; c < 3; ++c) {
    std::vector<int> channel;
    channel.reserve(pixels.size());
    for (const Rgb& p : pixels) channel.push_back(p[c]);
    std::nth_element(channel.begin(), channel.begin() + channel.size() / 2, channel.end());
    m[c] = channel[channel.size() / 2];
  }
  return m;
}

double distance(const Rgb& a, const Rgb& b) {
  return std::sqrt(double((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2])));
}

// Differences below this (in 8-bit RGB) are noise, not an object: the palette's closest pair is ~150 apart.
constexpr double kNoObject = 50;

}  // namespace

ShapesReading readShapesImage(const image::Rgb8Image& image) {
  const int w = image.width, h = image.height;
  const auto pixel = [&](int x, int y) {
    const std::uint8_t* p = image.at(x, y);
    return Rgb{p[0], p[1], p[2]};
  };
  const int ring = std::max(1, std::min(w, h) / 32);
  std::vector<Rgb> border;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (x < ring || y < ring || x >= w - ring || y >= h - ring) border.push_back(pixel(x, y));
  const Rgb background = medianOf(border);

  std::vector<double> d(static_cast<std::size_t>(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) d[static_cast<std::size_t>(y) * w + x] = distance(pixel(x, y), background);
  std::vector<double> sorted = d;
  const std::size_t top = sorted.size() - 1 - sorted.size() / 100;  // the 99th percentile: not one stray pixel
  std::nth_element(sorted.begin(), sorted.begin() + top, sorted.end());
  const double largest = sorted[top];

  ShapesReading reading;
  reading.background = nearestPaletteColour(background[0], background[1], background[2]);
  if (largest < kNoObject) {
    reading.colour = reading.background;
    reading.shape = "none";
    return reading;
  }
  std::vector<Rgb> clearest;
  int x0 = w, x1 = -1, y0 = h, y1 = -1;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double v = d[static_cast<std::size_t>(y) * w + x];
      if (v > 0.75 * largest) clearest.push_back(pixel(x, y));
      if (v > 0.5 * largest) {
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
    }
  const Rgb colour = medianOf(clearest);
  reading.colour = nearestPaletteColour(colour[0], colour[1], colour[2]);

  const auto widthAt = [&](double fraction) {
    const int y = y0 + static_cast<int>(std::lround(fraction * (y1 - y0)));
    int count = 0;
    for (int x = x0; x <= x1; ++x) count += d[static_cast<std::size_t>(y) * w + x] > 0.5 * largest;
    return count;
  };
  // Near the top and bottom, a circle is narrower than in the middle (0.8 of it at 20 % and 80 % of its
  // height), a square is not; an upright triangle is narrow at the top and wide at the bottom.
  const double upper = widthAt(0.2), middle = widthAt(0.5), lower = widthAt(0.8);
  if (upper < 0.65 * lower)
    reading.shape = "triangle";
  else if ((upper + lower) / 2 >= 0.9 * middle)
    reading.shape = "square";
  else
    reading.shape = "circle";
  return reading;
}

int shapesAgreement(const ShapesReading& reading, const std::string& caption) {
  const auto parsed = parseShapesCaption(caption);
  if (!parsed) return -1;
  return int(reading.colour == parsed->colour) + int(reading.background == parsed->background) +
         int(reading.shape == parsed->shape);
}

}  // namespace sds::data
