#pragma once
// What a file is, from its first bytes (internal to sds_image; sniffFormat itself is in decode.h).

#include <cstddef>
#include <cstdint>
#include <string>

#include "image/decode.h"

namespace sds::image {

struct OtherContent {
  std::string what;    // "a GIF image", "an HTML page", "text" …; empty when nothing is recognised
  bool image = false;  // an image format this module does not decode (as opposed to no image at all)
};

// For data that is none of the formats decoded here.
OtherContent describeOther(const std::uint8_t* data, std::size_t size);

}  // namespace sds::image
