#pragma once
// Images tiled into one: rows and columns of equal cells on a dark background, each image enlarged by a
// whole factor (nearest neighbour, so that small samples stay sharp). Torch-free.

#include <vector>

#include "image/image_types.h"

namespace sds::image {

// Each cell is as large as the largest image times `scale`, with `gap` pixels between cells and around
// them; an empty image leaves its cell blank. Throws std::invalid_argument for a scale below 1, a
// negative gap, or no images at all.
Rgb8Image tileImages(const std::vector<std::vector<Rgb8Image>>& rows, int scale, int gap);

}  // namespace sds::image
