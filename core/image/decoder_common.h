#pragma once
// What the format readers share (internal to sds_image): the error they throw, the size checks made
// from a header before any pixel memory is allocated, and the row-by-row reduction for large images.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "image/decode.h"

namespace sds::image::detail {

// Thrown by the readers from plain C++ code only (never from inside a libpng/libjpeg callback);
// decodeImage turns it into a failed DecodeResult.
struct DecodeError : std::runtime_error {
  DecodeFailure failure;
  DecodeError(DecodeFailure f, const std::string& reason) : std::runtime_error(reason), failure(f) {}
};

[[noreturn]] inline void fail(DecodeFailure failure, const std::string& reason) { throw DecodeError(failure, reason); }

// Refuses zero or negative sides (Corrupt) and more pixels than the options allow (TooLarge).
void checkDimensions(std::int64_t width, std::int64_t height, const DecodeOptions& options);

// The largest integer factor k that still leaves ceil(width/k) ≥ minWidth and ceil(height/k) ≥
// minHeight; 1 when no reduction is asked for or possible.
int reductionFactor(int width, int height, int minWidth, int minHeight);

// The minimum size for the image as stored: DecodeOptions asks for it upright, and EXIF orientations
// 5–8 swap the sides.
void storedMinimum(const DecodeOptions& options, int orientation, int& minWidth, int& minHeight);

// Collects 8-bit RGB rows top to bottom and averages k×k blocks as they arrive, so a reduced image
// never needs the full-size one in memory. Edge blocks average the pixels they have.
class RowReducer {
 public:
  RowReducer(int width, int height, int factor);
  void addRow(const std::uint8_t* rgb);
  Rgb8Image finish();  // after all `height` rows

 private:
  void flush();
  int width_, height_, factor_;
  int rowsInBand_ = 0, outY_ = 0;
  std::vector<std::uint64_t> sums_;  // 64 bits: a block of a huge image can exceed 2^32 / 255 pixels
  Rgb8Image out_;
};

// RGBA → RGB over a white background, exactly rounded.
void compositeOnWhite(const std::uint8_t* rgba, std::uint8_t* rgb, int width);

// The decoded pixels (as stored, storedWidth × storedHeight before any reduction) turned upright by
// the EXIF orientation, with the full size in display orientation.
DecodedImage uprightImage(Rgb8Image stored, int storedWidth, int storedHeight, int orientation);

// The readers, each given the whole file in memory; they throw DecodeError.
DecodedImage decodePng(const std::uint8_t* data, std::size_t size, const DecodeOptions& options);
DecodedImage decodeJpeg(const std::uint8_t* data, std::size_t size, const DecodeOptions& options);
DecodedImage decodeWebp(const std::uint8_t* data, std::size_t size, const DecodeOptions& options);
DecodedImage decodeBmp(const std::uint8_t* data, std::size_t size, const DecodeOptions& options);

}  // namespace sds::image::detail
