// The decode entry points: read the file defensively, pick the reader by the first bytes, and turn
// every failure into a result with a reason.

#include "image/decode.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <new>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "image/decoder_common.h"
#include "image/sniff.h"

namespace sds::image {
namespace fs = std::filesystem;
using detail::DecodeError;
using detail::fail;

const char* failureName(DecodeFailure failure) {
  switch (failure) {
    case DecodeFailure::None: return "none";
    case DecodeFailure::Unreadable: return "unreadable";
    case DecodeFailure::Empty: return "empty";
    case DecodeFailure::NotAnImage: return "not an image";
    case DecodeFailure::Unsupported: return "unsupported";
    case DecodeFailure::Truncated: return "truncated";
    case DecodeFailure::Corrupt: return "corrupt";
    case DecodeFailure::TooLarge: return "too large";
  }
  return "unknown";
}

DecodeResult DecodeResult::success(DecodedImage image) {
  DecodeResult result;
  result.image_ = std::move(image);
  return result;
}

DecodeResult DecodeResult::failed(DecodeFailure failure, std::string name, std::string reason) {
  DecodeResult result;
  result.failure_ = failure == DecodeFailure::None ? DecodeFailure::Corrupt : failure;
  result.name_ = std::move(name);
  result.reason_ = std::move(reason);
  return result;
}

const DecodedImage& DecodeResult::value() const {
  if (!ok()) throw std::logic_error("no image: " + message());
  return image_;
}

DecodedImage& DecodeResult::value() {
  if (!ok()) throw std::logic_error("no image: " + message());
  return image_;
}

std::string DecodeResult::message() const {
  if (ok()) return {};
  return "cannot decode '" + name_ + "': " + reason_;
}

namespace {

std::string systemReason(int error) {
  switch (error) {
    case EACCES: case EPERM: return "permission denied (the file cannot be read)";
    case ENOENT: return "the file does not exist";
    case EISDIR: return "a folder, not an image file";
    default: return std::generic_category().message(error);  // thread-safe, unlike strerror
  }
}

// Checks what `path` is before opening it, so a broken link, a folder or a pipe (which would block
// a reader forever) gets its own reason.
std::vector<std::uint8_t> readWholeFile(const std::string& path, const DecodeOptions& options) {
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  if (ec) fail(DecodeFailure::Unreadable, systemReason(ec.value()));
  const fs::file_status target = fs::status(path, ec);
  if (fs::is_symlink(link) && (ec || !fs::exists(target))) {
    const fs::path points = fs::read_symlink(path, ec);
    fail(DecodeFailure::Unreadable, "a broken symbolic link (it points to '" + points.string() +
                                        "', which does not exist)");
  }
  if (ec) fail(DecodeFailure::Unreadable, systemReason(ec.value()));
  if (fs::is_directory(target)) fail(DecodeFailure::Unreadable, "a folder, not an image file");
  if (!fs::is_regular_file(target))
    fail(DecodeFailure::Unreadable, "not a regular file (a device, pipe or socket)");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) fail(DecodeFailure::Unreadable, systemReason(ec.value()));
  if (size == 0) fail(DecodeFailure::Empty, "the file is empty (0 bytes)");
  if (size > options.maxFileBytes)
    fail(DecodeFailure::TooLarge, "the file has " + std::to_string(size) + " bytes, over the limit of " +
                                      std::to_string(options.maxFileBytes));

  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) fail(DecodeFailure::Unreadable, systemReason(errno));
  std::vector<std::uint8_t> data;
  try {
    data.resize(static_cast<std::size_t>(size));
  } catch (...) {
    std::fclose(file);
    throw;
  }
  const std::size_t got = std::fread(data.data(), 1, data.size(), file);
  const bool readError = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (readError) fail(DecodeFailure::Unreadable, "reading failed: " + systemReason(error));
  data.resize(got);  // the file may have shrunk since its size was taken
  if (data.empty()) fail(DecodeFailure::Empty, "the file is empty (0 bytes)");
  return data;
}

DecodedImage decodeBytes(const std::uint8_t* data, std::size_t size, const DecodeOptions& options) {
  if (size == 0) fail(DecodeFailure::Empty, "the file is empty (0 bytes)");
  const ImageFormat format = sniffFormat(data, size);
  DecodedImage decoded;
  switch (format) {
    case ImageFormat::Png: decoded = detail::decodePng(data, size, options); break;
    case ImageFormat::Jpeg: decoded = detail::decodeJpeg(data, size, options); break;
    case ImageFormat::Webp: decoded = detail::decodeWebp(data, size, options); break;
    case ImageFormat::Bmp: decoded = detail::decodeBmp(data, size, options); break;
    case ImageFormat::Unknown: {
      const OtherContent other = describeOther(data, size);
      if (other.image)
        fail(DecodeFailure::Unsupported, other.what + ", which is not supported (PNG, JPEG, WebP and BMP are)");
      if (!other.what.empty()) fail(DecodeFailure::NotAnImage, "not an image: the file holds " + other.what);
      fail(DecodeFailure::NotAnImage, "not an image: the first bytes match no known image format");
    }
  }
  decoded.format = format;
  return decoded;
}

template <typename Decode>
DecodeResult guarded(const std::string& name, Decode&& decode) {
  try {
    return DecodeResult::success(decode());
  } catch (const DecodeError& e) {
    return DecodeResult::failed(e.failure, name, e.what());
  } catch (const std::bad_alloc&) {
    return DecodeResult::failed(DecodeFailure::TooLarge, name, "out of memory while decoding");
  } catch (const std::exception& e) {
    return DecodeResult::failed(DecodeFailure::Corrupt, name, e.what());
  }
}

}  // namespace

DecodeResult decodeImageFile(const std::string& path, const DecodeOptions& options) {
  return guarded(path, [&] {
    const std::vector<std::uint8_t> bytes = readWholeFile(path, options);
    return decodeBytes(bytes.data(), bytes.size(), options);
  });
}

DecodeResult decodeImage(const std::uint8_t* data, std::size_t size, const std::string& name,
                         const DecodeOptions& options) {
  return guarded(name, [&] { return decodeBytes(data, size, options); });
}

}  // namespace sds::image
