#pragma once
// Making image files with the real encoders (libpng, libjpeg-turbo, libwebp; BMP by hand), so the
// decoding tests and the decode benchmark need no binary fixtures. Qt-free; throws
// std::runtime_error when an encoder fails.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace sds::testimg {

// Deterministic pseudo-random bytes (every value and neighbour pair occurs: good for exact checks).
std::vector<std::uint8_t> noise(int width, int height, int channels, std::uint32_t seed);
// Smooth gradients with a few flat blocks: survives JPEG and lossy WebP within a small tolerance.
std::vector<std::uint8_t> smooth(int width, int height, int channels);

enum class PngColor { Gray, GrayAlpha, Rgb, Rgba, Palette };
int channelsOf(PngColor color);

struct PngSpec {
  int width = 0, height = 0;
  PngColor color = PngColor::Rgb;
  int bitDepth = 8;                     // 1, 2, 4, 8 or 16 where PNG allows it
  std::vector<std::uint16_t> samples;   // width*height*channelsOf(color) values (palette: indices)
  bool interlaced = false;              // Adam7
  std::vector<std::array<std::uint8_t, 3>> palette;
  std::vector<std::uint8_t> paletteAlpha;  // tRNS for palette images (may be shorter than the palette)
  bool colorKey = false;                   // tRNS for Gray/Rgb: this sample value is transparent
  std::array<std::uint16_t, 3> key{};      // Gray uses key[0]
  std::string exif;                        // TIFF data for an eXIf chunk before the pixels
};
std::string encodePng(const PngSpec& spec);

struct JpegSpec {
  int width = 0, height = 0;
  int components = 3;                // 1 grey, 3 RGB, 4 CMYK
  std::vector<std::uint8_t> pixels;  // width*height*components; CMYK as stored in the file
  int quality = 95;
  bool progressive = false;
  bool subsample = false;            // 4:2:0 chroma; 4:4:4 otherwise
  bool ycck = false;                 // 4 components: stored as YCCK (Adobe transform 2)
  bool adobeMarker = true;           // 4 components: the Adobe APP14 marker that means inverted CMYK
  bool manyScans = false;            // 1 component: a valid progressive file with ~700 scans
};
std::string encodeJpeg(const JpegSpec& spec);

// An APP1 EXIF payload ("Exif\0\0" + TIFF, either byte order) whose IFD0 holds a description tag
// and then the orientation tag.
std::string exifApp1(int orientation, bool bigEndian);
// `jpeg` with an APP1 segment spliced in right after SOI, where cameras put it.
std::string insertApp1(const std::string& jpeg, const std::string& payload);

// 3 (RGB) or 4 (RGBA) channels.
std::string encodeWebp(const std::vector<std::uint8_t>& pixels, int width, int height, int channels, bool lossless,
                       float quality = 90.0f);

// `webp` (a simple lossy or lossless file) rewritten as an extended (VP8X) file with an EXIF chunk.
std::string withWebpExif(const std::string& webp, int width, int height, const std::string& tiff);

struct BmpSpec {
  int width = 0, height = 0;
  int bitsPerPixel = 24;              // 24 or 32 carry pixels; other values only write a header
  bool topDown = false;
  int headerSize = 40;                // 40 (BITMAPINFOHEADER), 108 (V4) or 124 (V5)
  std::uint32_t compression = 0;      // 0 BI_RGB, 3 BI_BITFIELDS (32-bit, masks written), 1 RLE8 …
  bool alphaMask = false;             // with BI_BITFIELDS and a V4/V5 header: 0xff000000 is alpha
  std::vector<std::uint8_t> pixels;   // RGB (24) or RGBA (32)
};
std::string encodeBmp(const BmpSpec& spec);

}  // namespace sds::testimg
