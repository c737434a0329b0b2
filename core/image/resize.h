#pragma once
// High-quality resizing of 8-bit RGB images. Torch-free.
//
// Separable convolution in float, as PIL does it: each output pixel weighs the input pixels under a
// filter centred on it, and when shrinking the filter is widened by the shrink factor, so every
// input pixel contributes (antialiasing) instead of being skipped. Results are rounded to nearest.

#include "image/image_types.h"

namespace sds::image {

enum class ResizeFilter {
  Box,       // area average; support 0.5
  Triangle,  // bilinear; support 1
  Bicubic,   // Keys cubic, a = −0.5; support 2
  Lanczos3,  // windowed sinc; support 3 — the default, sharpest without visible ringing
};

// `image` resized to width × height (both > 0; std::invalid_argument otherwise). The same size
// returns a copy.
Rgb8Image resize(const Rgb8Image& image, int width, int height, ResizeFilter filter = ResizeFilter::Lanczos3);

struct Size {
  int width = 0, height = 0;
  bool operator==(const Size& o) const { return width == o.width && height == o.height; }
};

// The smallest size with (about) the aspect ratio of width × height that covers target: both sides at
// least the target's, one of them equal to it. Resize to this, then crop to the target.
Size coverSize(int width, int height, int targetWidth, int targetHeight);

}  // namespace sds::image
