#pragma once
// Cropping and flipping 8-bit RGB images, with crop rectangles that are deterministic for a seed
// (the crop offsets are kept with each training sample, as SDXL conditions on them). Torch-free.

#include <cstdint>

#include "image/image_types.h"

namespace sds::image {

struct CropRect {
  int x = 0, y = 0, width = 0, height = 0;
  bool operator==(const CropRect& o) const { return x == o.x && y == o.y && width == o.width && height == o.height; }
};

// width × height from the middle of a sourceWidth × sourceHeight image (odd leftovers go right/down).
// The crop must fit: std::invalid_argument otherwise.
CropRect centerCrop(int sourceWidth, int sourceHeight, int width, int height);

// width × height at an offset drawn uniformly from every position that fits; the same seed gives the
// same offset on every platform.
CropRect randomCrop(int sourceWidth, int sourceHeight, int width, int height, std::uint64_t seed);

// The pixels inside `rect`; std::invalid_argument when it does not lie inside the image.
Rgb8Image crop(const Rgb8Image& image, const CropRect& rect);

// Mirrors left and right in place.
void flipHorizontal(Rgb8Image& image);

}  // namespace sds::image
