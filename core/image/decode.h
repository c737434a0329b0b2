#pragma once
// Decoding dataset images (PNG, JPEG, WebP, BMP) into 8-bit RGB. Torch-free.
//
// The decoder is chosen by the file's first bytes, never by its extension. Every failure comes back
// as a result with a reason that names the file; nothing here throws for bad input or crashes on it.
// Transparent pixels are composited on white; EXIF orientation (JPEG APP1, PNG eXIf, WebP EXIF) is
// applied. Images over a pixel
// limit are refused from their header, before any pixel memory is allocated (decompression bombs);
// large images can be reduced while decoding to a requested minimum size (bounded memory).

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "image/image_types.h"

namespace sds::image {

enum class ImageFormat { Unknown, Png, Jpeg, Webp, Bmp };

// "PNG", "JPEG", "WebP", "BMP" or "unknown".
const char* formatName(ImageFormat format);

// The format from the first bytes of a file (12 are enough); Unknown for anything else.
ImageFormat sniffFormat(const std::uint8_t* data, std::size_t size);

struct DecodeOptions {
  // Images with more pixels than this are refused (PIL's default limit, about 13,377 × 13,377).
  std::uint64_t maxPixels = 178956970;
  // Files larger than this are refused before they are read.
  std::uint64_t maxFileBytes = std::uint64_t(1) << 30;
  // When both are > 0, the image may come back reduced, as small as the decoder can make it while
  // it still covers minWidth × minHeight (both sides at least that, in display orientation): JPEG
  // through DCT scaling, WebP through its scaler, PNG and BMP by area-averaging rows as they are
  // read. The aspect ratio is kept. 0 keeps the full size.
  int minWidth = 0, minHeight = 0;
};

// Why a decode failed, for counting in reports; the message says more.
enum class DecodeFailure {
  None,
  Unreadable,   // missing, no permission, broken symbolic link, a folder, not a regular file
  Empty,        // zero bytes
  NotAnImage,   // text or an unknown format
  Unsupported,  // a known image format or variant this decoder does not handle (GIF, 8-bit BMP …)
  Truncated,    // the data ends early
  Corrupt,      // damaged or inconsistent data, impossible dimensions
  TooLarge,     // over the pixel or file-size limit
};

// "unreadable", "empty", "not an image", "unsupported", "truncated", "corrupt", "too large".
const char* failureName(DecodeFailure failure);

struct DecodedImage {
  Rgb8Image image;                        // possibly reduced, see DecodeOptions::minWidth
  int originalWidth = 0, originalHeight = 0;  // the full size in display orientation (after EXIF)
  ImageFormat format = ImageFormat::Unknown;
  int orientation = 1;                    // the EXIF orientation that was applied (1–8)
};

class DecodeResult {
 public:
  static DecodeResult success(DecodedImage image);
  static DecodeResult failed(DecodeFailure failure, std::string name, std::string reason);

  bool ok() const { return failure_ == DecodeFailure::None; }
  explicit operator bool() const { return ok(); }

  const DecodedImage& value() const;  // std::logic_error when the decode failed
  DecodedImage& value();
  DecodedImage take() { return std::move(value()); }

  DecodeFailure failure() const { return failure_; }
  const std::string& reason() const { return reason_; }  // without the file's name
  std::string message() const;                          // "cannot decode 'a/b.png': <reason>"

 private:
  DecodedImage image_;
  DecodeFailure failure_ = DecodeFailure::None;
  std::string name_, reason_;
};

// Reads and decodes a file.
DecodeResult decodeImageFile(const std::string& path, const DecodeOptions& options = {});

// Decodes bytes already in memory (a tar member, for example); `name` is only used in messages.
DecodeResult decodeImage(const std::uint8_t* data, std::size_t size, const std::string& name,
                         const DecodeOptions& options = {});

}  // namespace sds::image
