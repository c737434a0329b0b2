#include "image/crop.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace sds::image {
namespace {

void checkFits(int sourceWidth, int sourceHeight, int width, int height) {
  if (width <= 0 || height <= 0 || width > sourceWidth || height > sourceHeight)
    throw std::invalid_argument("a " + std::to_string(width) + " × " + std::to_string(height) +
                                " crop does not fit in " + std::to_string(sourceWidth) + " × " +
                                std::to_string(sourceHeight));
}

// splitmix64: a fixed, well-mixed sequence (std::uniform_int_distribution differs between
// standard libraries, and crops must repeat across machines).
std::uint64_t mix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// In [0, n) by multiply-and-shift: no modulo, and a bias below n / 2^32.
int below(std::uint64_t& state, int n) {
  return static_cast<int>(((mix(state) >> 32) * static_cast<std::uint64_t>(n)) >> 32);
}

}  // namespace

CropRect centerCrop(int sourceWidth, int sourceHeight, int width, int height) {
  checkFits(sourceWidth, sourceHeight, width, height);
  return {(sourceWidth - width) / 2, (sourceHeight - height) / 2, width, height};
}

CropRect randomCrop(int sourceWidth, int sourceHeight, int width, int height, std::uint64_t seed) {
  checkFits(sourceWidth, sourceHeight, width, height);
  std::uint64_t state = seed;
  const int x = below(state, sourceWidth - width + 1);
  const int y = below(state, sourceHeight - height + 1);
  return {x, y, width, height};
}

Rgb8Image crop(const Rgb8Image& image, const CropRect& rect) {
  if (rect.x < 0 || rect.y < 0 || rect.width <= 0 || rect.height <= 0 || rect.x > image.width - rect.width ||
      rect.y > image.height - rect.height)
    throw std::invalid_argument("the crop " + std::to_string(rect.width) + " × " + std::to_string(rect.height) +
                                " at (" + std::to_string(rect.x) + ", " + std::to_string(rect.y) +
                                ") does not lie inside the " + std::to_string(image.width) + " × " +
                                std::to_string(image.height) + " image");
  Rgb8Image out(rect.width, rect.height);
  for (int y = 0; y < rect.height; ++y)
    std::memcpy(out.row(y), image.at(rect.x, rect.y + y), static_cast<std::size_t>(rect.width) * 3);
  return out;
}

void flipHorizontal(Rgb8Image& image) {
  for (int y = 0; y < image.height; ++y) {
    std::uint8_t* row = image.row(y);
    for (int l = 0, r = image.width - 1; l < r; ++l, --r)
      std::swap_ranges(row + 3 * l, row + 3 * l + 3, row + 3 * r);
  }
}

}  // namespace sds::image
