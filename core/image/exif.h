#pragma once
// The EXIF orientation tag, read straight from the TIFF structure inside a JPEG's APP1 segment.
// Torch-free; no EXIF library needed for one tag.

#include <cstddef>
#include <cstdint>

namespace sds::image {

// The orientation (1–8) from an APP1 payload that starts with "Exif\0\0"; 1 when there is none or
// the data is damaged (a bad EXIF block never makes an image unreadable).
int exifOrientationFromApp1(const std::uint8_t* payload, std::size_t size);

// The same from bare TIFF data ("II*\0" little-endian or "MM\0*" big-endian), as WebP and PNG
// store it.
int exifOrientation(const std::uint8_t* tiff, std::size_t size);

}  // namespace sds::image
