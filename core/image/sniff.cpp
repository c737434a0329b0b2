// Telling formats apart by their first bytes, and naming what is not an image we read, so a
// report can say "a GIF" or "an HTML page" rather than "corrupt".

#include "image/sniff.h"

#include <cstring>

namespace sds::image {
namespace {

bool startsWith(const std::uint8_t* data, std::size_t size, const char* magic, std::size_t length,
                std::size_t at = 0) {
  return size >= at + length && std::memcmp(data + at, magic, length) == 0;
}

std::uint32_t le32(const std::uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}

// Printable ASCII, common whitespace, or a well-formed UTF-8 sequence; a cut-off sequence at the
// end of the sample counts as text too.
bool looksLikeText(const std::uint8_t* data, std::size_t size) {
  std::size_t i = 0;
  if (startsWith(data, size, "\xEF\xBB\xBF", 3)) i = 3;
  for (; i < size; ++i) {
    const std::uint8_t c = data[i];
    if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || (c >= 0x20 && c < 0x7f)) continue;
    int more = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (more < 0 || c == 0xC0 || c == 0xC1) return false;
    for (int k = 1; k <= more; ++k) {
      if (i + k >= size) return true;
      if ((data[i + k] & 0xC0) != 0x80) return false;
    }
    i += more;
  }
  return true;
}

bool containsNoCase(const std::uint8_t* data, std::size_t size, const char* word) {
  const std::size_t n = std::strlen(word);
  for (std::size_t i = 0; i + n <= size; ++i) {
    std::size_t k = 0;
    while (k < n && (data[i + k] | 0x20) == word[k]) ++k;
    if (k == n) return true;
  }
  return false;
}

}  // namespace

const char* formatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Webp: return "WebP";
    case ImageFormat::Bmp: return "BMP";
    case ImageFormat::Unknown: break;
  }
  return "unknown";
}

ImageFormat sniffFormat(const std::uint8_t* data, std::size_t size) {
  if (startsWith(data, size, "\x89PNG\r\n\x1a\n", 8)) return ImageFormat::Png;
  if (startsWith(data, size, "\xFF\xD8\xFF", 3)) return ImageFormat::Jpeg;
  if (startsWith(data, size, "RIFF", 4) && startsWith(data, size, "WEBP", 4, 8)) return ImageFormat::Webp;
  // "BM" alone starts too many text files; a known DIB header size must follow.
  if (startsWith(data, size, "BM", 2) && size >= 18) {
    switch (le32(data + 14)) {
      case 12: case 16: case 40: case 52: case 56: case 64: case 108: case 124: return ImageFormat::Bmp;
      default: break;
    }
  }
  return ImageFormat::Unknown;
}

OtherContent describeOther(const std::uint8_t* data, std::size_t size) {
  if (startsWith(data, size, "GIF87a", 6) || startsWith(data, size, "GIF89a", 6)) return {"a GIF image", true};
  if (startsWith(data, size, "II*\0", 4) || startsWith(data, size, "MM\0*", 4)) return {"a TIFF image", true};
  if (startsWith(data, size, "ftyp", 4, 4)) {
    if (startsWith(data, size, "avif", 4, 8) || startsWith(data, size, "avis", 4, 8)) return {"an AVIF image", true};
    if (startsWith(data, size, "hei", 3, 8) || startsWith(data, size, "mif1", 4, 8) ||
        startsWith(data, size, "msf1", 4, 8))
      return {"a HEIF/HEIC image", true};
    return {"an MP4/QuickTime file", false};
  }
  if (startsWith(data, size, "\xFF\x0A", 2) || startsWith(data, size, "\0\0\0\x0CJXL \r\n\x87\n", 12))
    return {"a JPEG XL image", true};
  if (startsWith(data, size, "\0\0\0\x0CjP  \r\n\x87\n", 12) || startsWith(data, size, "\xFF\x4F\xFF\x51", 4))
    return {"a JPEG 2000 image", true};
  if (startsWith(data, size, "\0\0\1\0", 4)) return {"a Windows icon", true};
  if (startsWith(data, size, "8BPS", 4)) return {"a Photoshop document", true};
  if (startsWith(data, size, "qoif", 4)) return {"a QOI image", true};
  if (startsWith(data, size, "BM", 2)) return {"a BMP variant with an unknown header", true};
  if (startsWith(data, size, "RIFF", 4)) return {"a RIFF file that is not WebP (audio or video?)", false};
  if (startsWith(data, size, "%PDF", 4)) return {"a PDF document", false};
  if (startsWith(data, size, "PK\3\4", 4)) return {"a ZIP archive", false};
  if (startsWith(data, size, "\x1F\x8B", 2)) return {"a gzip archive", false};
  if (startsWith(data, size, "ustar", 5, 257)) return {"a tar archive", false};
  const std::size_t sample = size < 512 ? size : 512;
  if (looksLikeText(data, sample)) {
    if (containsNoCase(data, sample, "<html") || containsNoCase(data, sample, "<!doctype html"))
      return {"an HTML page", false};
    if (containsNoCase(data, sample, "<svg")) return {"an SVG drawing (vector images are not supported)", false};
    return {"text", false};
  }
  return {};
}

}  // namespace sds::image
