#pragma once
// One training image as the model sees it: decoded, resized to cover its bucket, cropped to it and
// optionally mirrored, with the numbers SDXL conditions on. Torch-free.

#include <cstdint>
#include <string>
#include <vector>

#include "data/buckets.h"
#include "image/image_types.h"

namespace sds::data {

struct TrainingImage {
  image::Rgb8Image pixels;            // bucket.width × bucket.height
  int originalWidth = 0, originalHeight = 0;
  int cropLeft = 0, cropTop = 0;      // of the bucket-sized window in the resized image
  bool flipped = false;
};

// Throws std::runtime_error naming `name` when the bytes no longer decode.
TrainingImage prepareTrainingImage(const std::uint8_t* data, std::size_t size, const std::string& name,
                                   const Bucket& bucket, const CropPlan& crop, bool flip);

}  // namespace sds::data
