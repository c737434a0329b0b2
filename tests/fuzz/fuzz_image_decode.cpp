// Untrusted image bytes (dataset files, tar members): PNG, JPEG, WebP and BMP with EXIF orientation.
// Decoding returns a result or a failure; it must never crash, overrun or throw.

#include <cstddef>
#include <cstdint>

#include "image/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sds::image::DecodeOptions options;
  options.maxPixels = std::uint64_t(1) << 24;  // the limit's own path, without gigabyte allocations
  if (size % 2 == 1) options.minWidth = options.minHeight = 16;  // the reduced-size decoders too
  const sds::image::DecodeResult result = sds::image::decodeImage(data, size, "fuzz input", options);
  if (result) {
    const auto& image = result.value().image;
    // Touch the last pixel: the buffer must be as large as the size says.
    if (!image.empty()) (void)image.at(image.width - 1, image.height - 1)[2];
  } else {
    (void)result.message();
  }
  return 0;
}
