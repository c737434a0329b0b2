#include "image/image_grid.h"

#include <algorithm>
#include <stdexcept>

namespace sds::image {

Rgb8Image tileImages(const std::vector<std::vector<Rgb8Image>>& rows, int scale, int gap) {
  if (scale < 1 || gap < 0) throw std::invalid_argument("tileImages: scale must be ≥ 1 and gap ≥ 0");
  int cellW = 0, cellH = 0;
  std::size_t columns = 0;
  for (const auto& row : rows) {
    columns = std::max(columns, row.size());
    for (const Rgb8Image& img : row) cellW = std::max(cellW, img.width), cellH = std::max(cellH, img.height);
  }
  if (cellW == 0 || cellH == 0) throw std::invalid_argument("tileImages: no images to tile");
  cellW *= scale, cellH *= scale;
  const int n = static_cast<int>(columns), m = static_cast<int>(rows.size());
  Rgb8Image out(gap + n * (cellW + gap), gap + m * (cellH + gap));
  std::fill(out.pixels.begin(), out.pixels.end(), std::uint8_t(40));
  for (int r = 0; r < m; ++r)
    for (int c = 0; c < static_cast<int>(rows[r].size()); ++c) {
      const Rgb8Image& img = rows[r][c];
      const int left = gap + c * (cellW + gap), top = gap + r * (cellH + gap);
      for (int y = 0; y < img.height * scale; ++y)
        for (int x = 0; x < img.width * scale; ++x)
          std::copy_n(img.at(x / scale, y / scale), 3, out.at(left + x, top + y));
    }
  return out;
}

}  // namespace sds::image
