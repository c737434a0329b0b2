#include "image_encoders.h"

#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <jpeglib.h>
#include <png.h>
#include <webp/encode.h>

#include <algorithm>
#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace sds::testimg {
namespace {

std::uint32_t hash(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

void put16(std::string& s, std::uint32_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>((v >> 8) & 0xff));
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, v & 0xffff);
  put16(s, v >> 16);
}

// ---- PNG ----

struct PngWriteState {
  std::string out;
  char message[200] = {};
};

void pngAppend(png_structp png, png_bytep data, png_size_t length) {
  static_cast<PngWriteState*>(png_get_io_ptr(png))->out.append(reinterpret_cast<const char*>(data), length);
}
void pngFlush(png_structp) {}
[[noreturn]] void pngError(png_structp png, png_const_charp message) {
  std::strncpy(static_cast<PngWriteState*>(png_get_error_ptr(png))->message, message, 199);
  png_longjmp(png, 1);
}
void pngWarning(png_structp, png_const_charp) {}

// Only libpng calls after setjmp; everything with a destructor lives in the caller.
bool pngWrite(png_structp png, png_infop info, const PngSpec& spec, png_bytepp rows, const png_color* palette,
              const png_byte* paletteAlpha, const png_color_16* key, PngWriteState* state) {
  if (setjmp(png_jmpbuf(png))) return false;
  static const int kTypes[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                               PNG_COLOR_TYPE_RGB_ALPHA, PNG_COLOR_TYPE_PALETTE};
  png_set_write_fn(png, state, pngAppend, pngFlush);
  png_set_IHDR(png, info, spec.width, spec.height, spec.bitDepth, kTypes[static_cast<int>(spec.color)],
               spec.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (spec.color == PngColor::Palette) {
    png_set_PLTE(png, info, palette, static_cast<int>(spec.palette.size()));
    if (!spec.paletteAlpha.empty())
      png_set_tRNS(png, info, paletteAlpha, static_cast<int>(spec.paletteAlpha.size()), nullptr);
  } else if (spec.colorKey) {
    png_set_tRNS(png, info, nullptr, 0, key);
  }
  if (!spec.exif.empty())
    png_set_eXIf_1(png, info, static_cast<png_uint_32>(spec.exif.size()),
                   reinterpret_cast<png_bytep>(const_cast<char*>(spec.exif.data())));
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, info);
  return true;
}

// ---- JPEG ----

struct JpegWriteState {
  jpeg_error_mgr errors{};
  std::jmp_buf jump{};
  char message[JMSG_LENGTH_MAX] = {};
};

void jpegError(j_common_ptr c) {
  auto* state = reinterpret_cast<JpegWriteState*>(c->err);  // errors is the first member
  (*c->err->format_message)(c, state->message);
  std::longjmp(state->jump, 1);
}

// Successive approximation, one AC coefficient per scan and every bit on its own: 1 + 63 × 11 scans.
std::vector<jpeg_scan_info> manyScans() {
  std::vector<jpeg_scan_info> scans;
  scans.push_back(jpeg_scan_info{1, {0, 0, 0, 0}, 0, 0, 0, 0});
  for (int k = 1; k < 64; ++k) {
    scans.push_back(jpeg_scan_info{1, {0, 0, 0, 0}, k, k, 0, 10});
    for (int a = 10; a >= 1; --a) scans.push_back(jpeg_scan_info{1, {0, 0, 0, 0}, k, k, a, a - 1});
  }
  return scans;
}

bool jpegWrite(jpeg_compress_struct& cinfo, JpegWriteState& state, const JpegSpec& spec,
               const std::vector<jpeg_scan_info>& scans, unsigned char** buffer, unsigned long* size) {
  if (setjmp(state.jump)) return false;
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, buffer, size);
  cinfo.image_width = spec.width;
  cinfo.image_height = spec.height;
  cinfo.input_components = spec.components;
  cinfo.in_color_space = spec.components == 1 ? JCS_GRAYSCALE : spec.components == 3 ? JCS_RGB : JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  if (spec.components == 4) {
    jpeg_set_colorspace(&cinfo, spec.ycck ? JCS_YCCK : JCS_CMYK);
    cinfo.write_Adobe_marker = spec.adobeMarker ? TRUE : FALSE;
  }
  if (!spec.subsample)
    for (int c = 0; c < cinfo.num_components; ++c) cinfo.comp_info[c].h_samp_factor = cinfo.comp_info[c].v_samp_factor = 1;
  jpeg_set_quality(&cinfo, spec.quality, TRUE);
  if (spec.progressive) jpeg_simple_progression(&cinfo);
  if (!scans.empty()) {
    cinfo.scan_info = scans.data();
    cinfo.num_scans = static_cast<int>(scans.size());
  }
  jpeg_start_compress(&cinfo, TRUE);
  const std::size_t stride = static_cast<std::size_t>(spec.width) * spec.components;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(spec.pixels.data() + stride * cinfo.next_scanline);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  return true;
}

}  // namespace

std::vector<std::uint8_t> noise(int width, int height, int channels, std::uint32_t seed) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(width) * height * channels);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(hash(static_cast<std::uint32_t>(i) * 2654435761u + seed));
  return out;
}

std::vector<std::uint8_t> smooth(int width, int height, int channels) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c) {
        int v = (c == 0 ? 40 + 160 * x / std::max(1, width - 1) : c == 1 ? 40 + 160 * y / std::max(1, height - 1)
                                                                          : 120 + 40 * c);
        // Two flat blocks (multiples of 16 so JPEG blocks hold them whole).
        if (x >= 16 && x < 32 && y >= 16 && y < 32) v = c == 0 ? 230 : 30;
        if (x >= 32 && x < 48 && y >= 16 && y < 32) v = c == 2 ? 220 : 50;
        out[(static_cast<std::size_t>(y) * width + x) * channels + c] = static_cast<std::uint8_t>(v);
      }
  return out;
}

int channelsOf(PngColor color) {
  switch (color) {
    case PngColor::Gray: case PngColor::Palette: return 1;
    case PngColor::GrayAlpha: return 2;
    case PngColor::Rgb: return 3;
    case PngColor::Rgba: return 4;
  }
  return 0;
}

std::string encodePng(const PngSpec& spec) {
  const int channels = channelsOf(spec.color);
  if (spec.samples.size() != static_cast<std::size_t>(spec.width) * spec.height * channels)
    throw std::runtime_error("encodePng: wrong sample count");
  // Pack samples into rows: 16-bit big-endian, sub-byte depths most significant bits first.
  const std::size_t rowBytes = (static_cast<std::size_t>(spec.width) * channels * spec.bitDepth + 7) / 8;
  std::vector<png_byte> packed(rowBytes * spec.height, 0);
  for (int y = 0; y < spec.height; ++y) {
    png_byte* row = packed.data() + rowBytes * y;
    for (int i = 0; i < spec.width * channels; ++i) {
      const std::uint16_t v = spec.samples[static_cast<std::size_t>(y) * spec.width * channels + i];
      if (spec.bitDepth == 16) {
        row[2 * i] = static_cast<png_byte>(v >> 8);
        row[2 * i + 1] = static_cast<png_byte>(v & 0xff);
      } else if (spec.bitDepth == 8) {
        row[i] = static_cast<png_byte>(v);
      } else {
        const int bit = i * spec.bitDepth;
        row[bit / 8] |= static_cast<png_byte>(v << (8 - spec.bitDepth - bit % 8));
      }
    }
  }
  std::vector<png_bytep> rows(spec.height);
  for (int y = 0; y < spec.height; ++y) rows[y] = packed.data() + rowBytes * y;
  std::vector<png_color> palette;
  for (const auto& c : spec.palette) palette.push_back(png_color{c[0], c[1], c[2]});
  png_color_16 key{};
  key.gray = spec.key[0];
  key.red = spec.key[0];
  key.green = spec.key[1];
  key.blue = spec.key[2];

  PngWriteState state;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, pngError, pngWarning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  const bool ok = png && info &&
                  pngWrite(png, info, spec, rows.data(), palette.data(), spec.paletteAlpha.data(), &key, &state);
  png_destroy_write_struct(&png, &info);
  if (!ok) throw std::runtime_error(std::string("encodePng: ") + state.message);
  return state.out;
}

std::string encodeJpeg(const JpegSpec& spec) {
  if (spec.pixels.size() != static_cast<std::size_t>(spec.width) * spec.height * spec.components)
    throw std::runtime_error("encodeJpeg: wrong pixel count");
  jpeg_compress_struct cinfo{};
  JpegWriteState state;
  cinfo.err = jpeg_std_error(&state.errors);
  state.errors.error_exit = jpegError;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  const std::vector<jpeg_scan_info> scans = spec.manyScans ? manyScans() : std::vector<jpeg_scan_info>();
  const bool ok = jpegWrite(cinfo, state, spec, scans, &buffer, &size);
  jpeg_destroy_compress(&cinfo);
  std::string out = ok ? std::string(reinterpret_cast<const char*>(buffer), size) : std::string();
  std::free(buffer);
  if (!ok) throw std::runtime_error(std::string("encodeJpeg: ") + state.message);
  return out;
}

std::string exifApp1(int orientation, bool bigEndian) {
  std::string tiff;
  auto u16 = [&](std::uint32_t v) {
    if (bigEndian) {
      tiff.push_back(static_cast<char>(v >> 8));
      tiff.push_back(static_cast<char>(v & 0xff));
    } else {
      put16(tiff, v);
    }
  };
  auto u32 = [&](std::uint32_t v) {
    if (bigEndian) {
      u16(v >> 16);
      u16(v & 0xffff);
    } else {
      put32(tiff, v);
    }
  };
  tiff += bigEndian ? std::string("MM\0*", 4) : std::string("II*\0", 4);
  u32(8);  // IFD0 right after the header
  u16(2);  // two entries
  u16(0x010E);  // ImageDescription, ASCII, 4 bytes inline: "cat\0"
  u16(2);
  u32(4);
  tiff += std::string("cat\0", 4);
  u16(0x0112);  // Orientation, SHORT, 1 value in the first two bytes of the field
  u16(3);
  u32(1);
  u16(static_cast<std::uint32_t>(orientation));
  u16(0);
  u32(0);  // no next IFD
  return std::string("Exif\0\0", 6) + tiff;
}

std::string insertApp1(const std::string& jpeg, const std::string& payload) {
  if (jpeg.size() < 2 || static_cast<unsigned char>(jpeg[0]) != 0xFF || static_cast<unsigned char>(jpeg[1]) != 0xD8)
    throw std::runtime_error("insertApp1: not a JPEG");
  const std::size_t length = payload.size() + 2;
  std::string segment = "\xFF\xE1";
  segment.push_back(static_cast<char>(length >> 8));
  segment.push_back(static_cast<char>(length & 0xff));
  return jpeg.substr(0, 2) + segment + payload + jpeg.substr(2);
}

std::string encodeWebp(const std::vector<std::uint8_t>& pixels, int width, int height, int channels, bool lossless,
                       float quality) {
  if (pixels.size() != static_cast<std::size_t>(width) * height * channels)
    throw std::runtime_error("encodeWebp: wrong pixel count");
  std::uint8_t* out = nullptr;
  const int stride = width * channels;
  std::size_t size = 0;
  if (channels == 4)
    size = lossless ? WebPEncodeLosslessRGBA(pixels.data(), width, height, stride, &out)
                    : WebPEncodeRGBA(pixels.data(), width, height, stride, quality, &out);
  else
    size = lossless ? WebPEncodeLosslessRGB(pixels.data(), width, height, stride, &out)
                    : WebPEncodeRGB(pixels.data(), width, height, stride, quality, &out);
  if (size == 0) {
    WebPFree(out);
    throw std::runtime_error("encodeWebp: the encoder failed");
  }
  std::string result(reinterpret_cast<const char*>(out), size);
  WebPFree(out);
  return result;
}

std::string withWebpExif(const std::string& webp, int width, int height, const std::string& tiff) {
  if (webp.size() < 20 || webp.compare(0, 4, "RIFF") != 0 || webp.compare(8, 4, "WEBP") != 0)
    throw std::runtime_error("withWebpExif: not a WebP file");
  auto put24 = [](std::string& s, std::uint32_t v) {
    for (int i = 0; i < 3; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  std::string body = "WEBP";
  body += "VP8X";
  put32(body, 10);
  body.push_back('\x08');  // flags: EXIF present
  body.append(3, '\0');
  put24(body, static_cast<std::uint32_t>(width - 1));
  put24(body, static_cast<std::uint32_t>(height - 1));
  body += webp.substr(12);  // the image chunk as it was
  body += "EXIF";
  put32(body, static_cast<std::uint32_t>(tiff.size()));
  body += tiff;
  if (tiff.size() % 2) body.push_back('\0');
  std::string out = "RIFF";
  put32(out, static_cast<std::uint32_t>(body.size()));
  return out + body;
}

std::string encodeBmp(const BmpSpec& spec) {
  const bool masks = spec.compression == 3;
  const std::size_t extraMasks = masks && spec.headerSize == 40 ? 12 : 0;
  const std::size_t paletteBytes = spec.bitsPerPixel <= 8 ? 4u << spec.bitsPerPixel : 0;
  const std::size_t stride = ((static_cast<std::size_t>(spec.width) * spec.bitsPerPixel + 31) / 32) * 4;
  const std::size_t offset = 14 + spec.headerSize + extraMasks + paletteBytes;
  const std::size_t imageBytes = stride * spec.height;

  std::string out = "BM";
  put32(out, static_cast<std::uint32_t>(offset + imageBytes));
  put32(out, 0);
  put32(out, static_cast<std::uint32_t>(offset));
  put32(out, static_cast<std::uint32_t>(spec.headerSize));
  put32(out, static_cast<std::uint32_t>(spec.width));
  put32(out, static_cast<std::uint32_t>(spec.topDown ? -spec.height : spec.height));
  put16(out, 1);
  put16(out, static_cast<std::uint32_t>(spec.bitsPerPixel));
  put32(out, spec.compression);
  put32(out, static_cast<std::uint32_t>(imageBytes));
  put32(out, 2835);
  put32(out, 2835);
  put32(out, 0);
  put32(out, 0);
  const std::uint32_t maskValues[4] = {0x00ff0000u, 0x0000ff00u, 0x000000ffu, spec.alphaMask ? 0xff000000u : 0u};
  if (spec.headerSize >= 108) {
    for (std::uint32_t m : maskValues) put32(out, masks ? m : 0);
    put32(out, 0x73524742);  // 'sRGB'
    out.append(36 + 12, '\0');  // endpoints, gamma
    if (spec.headerSize >= 124) out.append(16, '\0');  // intent, profile, reserved
  } else if (extraMasks) {
    for (int i = 0; i < 3; ++i) put32(out, maskValues[i]);
  }
  out.append(paletteBytes, '\0');

  const std::size_t pixelCount = static_cast<std::size_t>(spec.width) * spec.height;
  const int channels = spec.pixels.size() == pixelCount * 4 ? 4 : 3;
  if ((spec.bitsPerPixel == 24 || spec.bitsPerPixel == 32) && spec.pixels.size() != pixelCount * channels)
    throw std::runtime_error("encodeBmp: wrong pixel count");
  for (int row = 0; row < spec.height; ++row) {
    const int y = spec.topDown ? row : spec.height - 1 - row;
    std::string line(stride, '\0');
    if (spec.bitsPerPixel == 24 || spec.bitsPerPixel == 32) {
      const int bytes = spec.bitsPerPixel / 8;
      for (int x = 0; x < spec.width; ++x) {
        const std::uint8_t* p = spec.pixels.data() + (static_cast<std::size_t>(y) * spec.width + x) * channels;
        line[x * bytes] = static_cast<char>(p[2]);
        line[x * bytes + 1] = static_cast<char>(p[1]);
        line[x * bytes + 2] = static_cast<char>(p[0]);
        if (bytes == 4) line[x * bytes + 3] = static_cast<char>(channels == 4 ? p[3] : 0);
      }
    }
    out += line;
  }
  return out;
}

}  // namespace sds::testimg
