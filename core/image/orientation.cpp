#include "image/orientation.h"

#include <cstring>

namespace sds::image {

Rgb8Image applyOrientation(Rgb8Image in, int orientation) {
  if (orientation < 2 || orientation > 8 || in.empty()) return in;
  const int W = in.width, H = in.height;
  const bool swap = orientationSwapsSides(orientation);
  Rgb8Image out(swap ? H : W, swap ? W : H);
  for (int y = 0; y < out.height; ++y) {
    std::uint8_t* dst = out.row(y);
    for (int x = 0; x < out.width; ++x, dst += 3) {
      // The stored pixel that lands on (x, y) of the upright image.
      int sx = x, sy = y;
      switch (orientation) {
        case 2: sx = W - 1 - x; sy = y; break;
        case 3: sx = W - 1 - x; sy = H - 1 - y; break;
        case 4: sx = x; sy = H - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = H - 1 - x; break;
        case 7: sx = W - 1 - y; sy = H - 1 - x; break;
        case 8: sx = W - 1 - y; sy = x; break;
        default: break;
      }
      std::memcpy(dst, in.at(sx, sy), 3);
    }
  }
  return out;
}

}  // namespace sds::image
