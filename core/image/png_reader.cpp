// PNG through libpng: every colour type and bit depth is expanded to 8-bit RGB or RGBA by libpng's
// own transforms (palette, low-bit grey, tRNS, 16-bit with rounding), alpha is composited on white,
// non-interlaced images stream row by row into the reducer, and an eXIf orientation is applied.
//
// libpng reports errors by longjmp. Every function that calls setjmp below does nothing but call
// libpng, and keeps its state in a PngReader that lives in the caller, so no C++ object is ever
// jumped over and nothing is left half-built.

#include <png.h>

#include <csetjmp>
#include <cstring>
#include <vector>

#include "image/decoder_common.h"
#include "image/exif.h"
#include "image/orientation.h"

namespace sds::image::detail {
namespace {

struct PngReader {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0, offset = 0;
  png_structp png = nullptr;
  png_infop info = nullptr;
  bool truncated = false;
  char message[200] = {};

  ~PngReader() { png_destroy_read_struct(&png, &info, nullptr); }
};

[[noreturn]] void onError(png_structp png, png_const_charp message) {
  auto* reader = static_cast<PngReader*>(png_get_error_ptr(png));
  std::strncpy(reader->message, message ? message : "unknown error", sizeof reader->message - 1);
  png_longjmp(png, 1);
}

void onWarning(png_structp, png_const_charp) {}  // ancillary-chunk trouble: the pixels are still fine

void readFromMemory(png_structp png, png_bytep out, png_size_t length) {
  auto* reader = static_cast<PngReader*>(png_get_io_ptr(png));
  if (length > reader->size - reader->offset) {
    reader->truncated = true;
    png_error(png, "the data ends early");
  }
  std::memcpy(out, reader->data + reader->offset, length);
  reader->offset += length;
}

struct PngLayout {
  png_uint_32 width = 0, height = 0;
  int channels = 0, passes = 1;
};

bool create(PngReader& r) {
  r.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, onError, onWarning);
  if (!r.png) return false;
  r.info = png_create_info_struct(r.png);
  return r.info != nullptr;
}

bool readHeader(PngReader& r, PngLayout& layout) {
  if (setjmp(png_jmpbuf(r.png))) return false;
  png_set_read_fn(r.png, &r, readFromMemory);
  // Our own pixel limit (checked before this) is the one that counts; libpng's default of a
  // million per side would refuse long thin images the limit allows.
  png_set_user_limits(r.png, 0x7fffffff, 0x7fffffff);
  png_read_info(r.png, r.info);
  const int colorType = png_get_color_type(r.png, r.info);
  png_set_expand(r.png);  // palette → RGB, grey < 8 bits → 8 bits, tRNS → alpha
  if (png_get_bit_depth(r.png, r.info) == 16) png_set_scale_16(r.png);  // rounds, unlike strip_16
  if (colorType == PNG_COLOR_TYPE_GRAY || colorType == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(r.png);
  layout.passes = png_set_interlace_handling(r.png);
  png_read_update_info(r.png, r.info);
  layout.width = png_get_image_width(r.png, r.info);
  layout.height = png_get_image_height(r.png, r.info);
  layout.channels = png_get_channels(r.png, r.info);
  return true;
}

bool readRow(PngReader& r, png_bytep row) {
  if (setjmp(png_jmpbuf(r.png))) return false;
  png_read_row(r.png, row, nullptr);
  return true;
}

bool readImage(PngReader& r, png_bytepp rows) {
  if (setjmp(png_jmpbuf(r.png))) return false;
  png_read_image(r.png, rows);
  return true;
}

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

[[noreturn]] void raise(const PngReader& r) {
  if (r.truncated) fail(DecodeFailure::Truncated, "the file is truncated (the PNG data ends early)");
  fail(DecodeFailure::Corrupt, std::string("corrupt PNG data (") + r.message + ")");
}

}  // namespace

DecodedImage decodePng(const std::uint8_t* data, std::size_t size, const DecodeOptions& options) {
  // The size comes from IHDR directly, so the limit is checked before libpng allocates anything.
  if (size < 33) fail(DecodeFailure::Truncated, "the file is truncated (too short for a PNG header)");
  if (be32(data + 8) != 13 || std::memcmp(data + 12, "IHDR", 4) != 0)
    fail(DecodeFailure::Corrupt, "corrupt PNG data (the first chunk is not a valid IHDR)");
  const std::uint32_t width = be32(data + 16), height = be32(data + 20);
  if (width == 0 || height == 0 || width > 0x7fffffffu || height > 0x7fffffffu)
    fail(DecodeFailure::Corrupt, "impossible dimensions " + std::to_string(width) + " × " + std::to_string(height) +
                                     " in the PNG header");
  checkDimensions(width, height, options);

  PngReader r;
  r.data = data;
  r.size = size;
  if (!create(r)) throw std::bad_alloc();
  PngLayout layout;
  if (!readHeader(r, layout)) raise(r);
  if (layout.channels != 3 && layout.channels != 4)
    fail(DecodeFailure::Corrupt, "corrupt PNG data (unexpected channel count)");

  // An eXIf chunk before the pixels may turn the picture, as in JPEG (one after them is not seen).
  int orientation = 1;
  png_uint_32 exifLength = 0;
  png_bytep exif = nullptr;
  if (png_get_eXIf_1(r.png, r.info, &exifLength, &exif) != 0 && exif) orientation = exifOrientation(exif, exifLength);
  int minW = 0, minH = 0;
  storedMinimum(options, orientation, minW, minH);

  const int w = static_cast<int>(layout.width), h = static_cast<int>(layout.height);
  const std::size_t rowBytes = static_cast<std::size_t>(w) * layout.channels;
  RowReducer reducer(w, h, reductionFactor(w, h, minW, minH));
  std::vector<std::uint8_t> rgb(layout.channels == 4 ? static_cast<std::size_t>(w) * 3 : 0);
  auto emit = [&](const std::uint8_t* row) {
    if (layout.channels == 4) {
      compositeOnWhite(row, rgb.data(), w);
      reducer.addRow(rgb.data());
    } else {
      reducer.addRow(row);
    }
  };

  if (layout.passes == 1) {
    std::vector<std::uint8_t> row(rowBytes);
    for (int y = 0; y < h; ++y) {
      if (!readRow(r, row.data())) raise(r);
      emit(row.data());
    }
  } else {
    // Adam7 fills the whole image over seven passes; it cannot be streamed.
    std::vector<std::uint8_t> pixels(rowBytes * h);
    std::vector<png_bytep> rows(h);
    for (int y = 0; y < h; ++y) rows[y] = pixels.data() + rowBytes * y;
    if (!readImage(r, rows.data())) raise(r);
    for (int y = 0; y < h; ++y) emit(rows[y]);
  }

  return uprightImage(reducer.finish(), w, h, orientation);
}

}  // namespace sds::image::detail
