// JPEG through libjpeg(-turbo): baseline and progressive, greyscale, RGB, CMYK and YCCK; DCT
// scaling to the smallest size that still covers the requested minimum; EXIF orientation applied.
//
// libjpeg's default error handler calls exit(). Ours records the message and longjmps back to the
// one function that called setjmp; those functions only call libjpeg, with all state in a
// JpegReader owned by the caller, whose destructor releases libjpeg's memory on every path.

#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <jerror.h>
#include <jpeglib.h>

#include <csetjmp>
#include <cstring>
#include <vector>

#include "image/decoder_common.h"
#include "image/exif.h"
#include "image/orientation.h"

namespace sds::image::detail {
namespace {

// A crafted progressive file can hold thousands of tiny scans and take minutes; real ones have ~10.
// The same limit as libjpeg-turbo's TJFLAG_LIMITSCANS.
constexpr int kMaxScans = 500;

struct JpegReader {
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr errors{};
  jpeg_progress_mgr progress{};
  std::jmp_buf jump{};
  bool created = false, truncated = false, tooManyScans = false;
  int code = 0;  // libjpeg's message code of the error
  char message[JMSG_LENGTH_MAX] = {};

  ~JpegReader() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

JpegReader& readerOf(j_common_ptr c) { return *static_cast<JpegReader*>(c->client_data); }

void onErrorExit(j_common_ptr c) {
  JpegReader& r = readerOf(c);
  (*c->err->format_message)(c, r.message);
  r.code = c->err->msg_code;
  std::longjmp(r.jump, 1);
}

// Warnings about damaged entropy data are tolerated (the decoder recovers, as browsers do), but
// data that ends early is refused: the rest of the image would be grey.
void onMessage(j_common_ptr c, int level) {
  if (level >= 0) return;  // trace output
  if (c->err->msg_code == JWRN_JPEG_EOF) {
    JpegReader& r = readerOf(c);
    r.truncated = true;
    std::longjmp(r.jump, 1);
  }
  c->err->num_warnings++;
}

void onOutputMessage(j_common_ptr) {}  // never print to stderr

void onProgress(j_common_ptr c) {
  auto* d = reinterpret_cast<j_decompress_ptr>(c);
  if (c->is_decompressor && d->input_scan_number > kMaxScans) {
    JpegReader& r = readerOf(c);
    r.tooManyScans = true;
    std::longjmp(r.jump, 1);
  }
}

bool readHeader(JpegReader& r, const std::uint8_t* data, std::size_t size) {
  if (setjmp(r.jump)) return false;
  jpeg_create_decompress(&r.cinfo);
  r.created = true;
  r.cinfo.progress = &r.progress;
  jpeg_mem_src(&r.cinfo, data, static_cast<unsigned long>(size));
  jpeg_save_markers(&r.cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&r.cinfo, TRUE);
  return true;
}

bool start(JpegReader& r) {
  if (setjmp(r.jump)) return false;
  jpeg_start_decompress(&r.cinfo);
  return true;
}

bool readRow(JpegReader& r, JSAMPROW row) {
  if (setjmp(r.jump)) return false;
  return jpeg_read_scanlines(&r.cinfo, &row, 1) == 1;
}

[[noreturn]] void raise(const JpegReader& r) {
  if (r.truncated) fail(DecodeFailure::Truncated, "the file is truncated (the JPEG data ends early)");
  // Sides over 65500 are refused by libjpeg itself while it reads SOF, before our own check.
  if (r.code == JERR_IMAGE_TOO_BIG) fail(DecodeFailure::TooLarge, std::string("too large (") + r.message + ")");
  // Real JPEG variants that this 8-bit baseline/progressive decoder does not handle.
  if (r.code == JERR_SOF_UNSUPPORTED)
    fail(DecodeFailure::Unsupported, std::string("a lossless or hierarchical JPEG, which is not supported (") +
                                         r.message + ")");
  if (r.code == JERR_BAD_PRECISION && (r.cinfo.data_precision == 12 || r.cinfo.data_precision == 16))
    fail(DecodeFailure::Unsupported, "a " + std::to_string(r.cinfo.data_precision) +
                                         "-bit JPEG, which is not supported (only 8-bit samples are)");
  if (r.tooManyScans)
    fail(DecodeFailure::Corrupt, "corrupt JPEG data (more than " + std::to_string(kMaxScans) + " progressive scans)");
  fail(DecodeFailure::Corrupt, std::string("corrupt JPEG data (") + (r.message[0] ? r.message : "no scanlines") + ")");
}

// The first APP1 segment that holds EXIF decides (others hold XMP and the like).
int orientationOf(const jpeg_decompress_struct& cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next)
    if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && std::memcmp(m->data, "Exif\0\0", 6) == 0)
      return exifOrientationFromApp1(m->data, m->data_length);
  return 1;
}

// Adobe (Photoshop) writes CMYK inverted: 255 means no ink. Plain CMYK is rare and stores ink.
void cmykToRgb(const std::uint8_t* cmyk, std::uint8_t* rgb, int width, bool inverted) {
  for (int x = 0; x < width; ++x, cmyk += 4, rgb += 3) {
    const unsigned k = inverted ? cmyk[3] : 255u - cmyk[3];
    for (int c = 0; c < 3; ++c) {
      const unsigned v = inverted ? cmyk[c] : 255u - cmyk[c];
      rgb[c] = static_cast<std::uint8_t>((v * k + 127u) / 255u);
    }
  }
}

}  // namespace

DecodedImage decodeJpeg(const std::uint8_t* data, std::size_t size, const DecodeOptions& options) {
  JpegReader r;
  r.cinfo.err = jpeg_std_error(&r.errors);
  r.errors.error_exit = onErrorExit;
  r.errors.emit_message = onMessage;
  r.errors.output_message = onOutputMessage;
  r.cinfo.client_data = &r;
  r.progress.progress_monitor = onProgress;
  if (!readHeader(r, data, size)) raise(r);

  jpeg_decompress_struct& cinfo = r.cinfo;
  const int width = static_cast<int>(cinfo.image_width), height = static_cast<int>(cinfo.image_height);
  checkDimensions(width, height, options);
  const int orientation = orientationOf(cinfo);

  int minW = 0, minH = 0;
  storedMinimum(options, orientation, minW, minH);
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  cinfo.scale_num = 8;
  cinfo.scale_denom = 8;
  if (minW > 0 && minH > 0) {
    // Output sides are ceil(side · n / 8), as libjpeg computes them.
    for (unsigned n = 1; n < 8; ++n) {
      const auto scaled = [n](int side) { return (static_cast<long long>(side) * n + 7) / 8; };
      if (scaled(width) >= minW && scaled(height) >= minH) {
        cinfo.scale_num = n;
        break;
      }
    }
  }
  if (!start(r)) raise(r);
  const int outW = static_cast<int>(cinfo.output_width), outH = static_cast<int>(cinfo.output_height);
  const int components = cinfo.output_components;
  if (components != (cmyk ? 4 : 3)) fail(DecodeFailure::Corrupt, "corrupt JPEG data (unexpected component count)");

  RowReducer reducer(outW, outH, reductionFactor(outW, outH, minW, minH));
  std::vector<std::uint8_t> row(static_cast<std::size_t>(outW) * components);
  std::vector<std::uint8_t> rgb(cmyk ? static_cast<std::size_t>(outW) * 3 : 0);
  const bool inverted = cinfo.saw_Adobe_marker;
  for (int y = 0; y < outH; ++y) {
    if (!readRow(r, row.data())) raise(r);
    if (cmyk) {
      cmykToRgb(row.data(), rgb.data(), outW, inverted);
      reducer.addRow(rgb.data());
    } else {
      reducer.addRow(row.data());
    }
  }
  // jpeg_finish_decompress is skipped on purpose: it would only read up to the EOI marker, which
  // some cameras and editors leave out; the pixels are complete here.

  return uprightImage(reducer.finish(), width, height, orientation);
}

}  // namespace sds::image::detail
