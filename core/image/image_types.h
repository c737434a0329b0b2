#pragma once
// The pixel type every image path in the studio hands around: 8-bit RGB, row-major. Torch-free.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sds::image {

struct Rgb8Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major RGB, width*height*3 bytes

  Rgb8Image() = default;
  Rgb8Image(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h * 3) {}

  bool empty() const { return width <= 0 || height <= 0; }
  std::uint8_t* row(int y) { return pixels.data() + static_cast<std::size_t>(y) * width * 3; }
  const std::uint8_t* row(int y) const { return pixels.data() + static_cast<std::size_t>(y) * width * 3; }
  std::uint8_t* at(int x, int y) { return row(y) + static_cast<std::size_t>(x) * 3; }
  const std::uint8_t* at(int x, int y) const { return row(y) + static_cast<std::size_t>(x) * 3; }
};

}  // namespace sds::image
