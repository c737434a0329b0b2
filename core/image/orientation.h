#pragma once
// Turning an image as its EXIF orientation says, so it shows upright. Torch-free.

#include "image/image_types.h"

namespace sds::image {

// Orientation 1 is upright; 2 mirrored; 3 turned 180°; 4 flipped vertically; 5 transposed;
// 6 needs a 90° clockwise turn; 7 transversed; 8 needs a 90° counter-clockwise turn. 5–8 swap width
// and height. Values outside 1–8 leave the image as it is.
Rgb8Image applyOrientation(Rgb8Image image, int orientation);

// Whether the orientation swaps width and height (5–8).
inline bool orientationSwapsSides(int orientation) { return orientation >= 5 && orientation <= 8; }

}  // namespace sds::image
