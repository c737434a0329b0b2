#include "data/training_image.h"

#include <stdexcept>

#include "image/crop.h"
#include "image/decode.h"
#include "image/resize.h"

namespace sds::data {

TrainingImage prepareTrainingImage(const std::uint8_t* data, std::size_t size, const std::string& name,
                                   const Bucket& bucket, const CropPlan& crop, bool flip) {
  // Decoders may reduce large images on the way, down to twice the resized size, which keeps the
  // Lanczos downscale's quality while bounding memory and time.
  image::DecodeOptions options;
  options.minWidth = crop.resizedWidth * 2;
  options.minHeight = crop.resizedHeight * 2;
  image::DecodeResult decoded = image::decodeImage(data, size, name, options);
  if (!decoded.ok()) throw std::runtime_error(decoded.message());
  image::DecodedImage d = decoded.take();
  TrainingImage out;
  out.originalWidth = d.originalWidth;
  out.originalHeight = d.originalHeight;
  const image::Rgb8Image resized = image::resize(d.image, crop.resizedWidth, crop.resizedHeight);
  out.pixels = image::crop(resized, {crop.cropLeft, crop.cropTop, bucket.width, bucket.height});
  out.cropLeft = crop.cropLeft;
  out.cropTop = crop.cropTop;
  if (flip) {
    image::flipHorizontal(out.pixels);
    out.flipped = true;
  }
  return out;
}

}  // namespace sds::data
