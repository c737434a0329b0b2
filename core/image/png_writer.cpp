#include "image/png_writer.h"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <stdexcept>

#include "util/atomic_file.h"

namespace sds::image {
namespace {

void appendToString(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}

void noFlush(png_structp) {}

[[noreturn]] void raiseError(png_structp png, png_const_charp message) {
  auto* error = static_cast<std::string*>(png_get_error_ptr(png));
  *error = message;
  png_longjmp(png, 1);
}

void ignoreWarning(png_structp, png_const_charp) {}

}  // namespace

void writePng(const std::string& path, const Rgb8Image& image, const std::map<std::string, std::string>& text) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * 3)
    throw std::runtime_error("cannot write '" + path + "': the image has no pixels or a wrong pixel count");
  std::string encoded;
  std::string error;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &error, raiseError, ignoreWarning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, nullptr);
    throw std::runtime_error("cannot write '" + path + "': out of memory");
  }
  std::vector<png_text> entries;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("cannot write '" + path + "': " + error);
  }
  png_set_write_fn(png, &encoded, appendToString, noFlush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  for (const auto& [key, value] : text) {
    png_text entry{};
    entry.compression = PNG_ITXT_COMPRESSION_NONE;
    entry.key = const_cast<char*>(key.c_str());
    entry.text = const_cast<char*>(value.c_str());
    entry.itxt_length = value.size();
    entries.push_back(entry);
  }
  if (!entries.empty()) png_set_text(png, info, entries.data(), static_cast<int>(entries.size()));
  png_write_info(png, info);
  for (int y = 0; y < image.height; ++y)
    png_write_row(png, const_cast<png_bytep>(image.pixels.data() + static_cast<std::size_t>(y) * image.width * 3));
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  writeFileAtomically(path, encoded);
}

std::map<std::string, std::string> readPngText(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw std::runtime_error("cannot open '" + path + "'");
  std::string error;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &error, raiseError, ignoreWarning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  std::map<std::string, std::string> out;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    std::fclose(file);
    throw std::runtime_error("cannot read '" + path + "': " + (error.empty() ? "not a PNG file" : error));
  }
  png_init_io(png, file);
  png_read_info(png, info);
  png_textp texts = nullptr;
  int count = 0;
  png_get_text(png, info, &texts, &count);
  for (int i = 0; i < count; ++i)
    out[texts[i].key] = std::string(texts[i].text, texts[i].compression >= PNG_ITXT_COMPRESSION_NONE
                                                          ? texts[i].itxt_length
                                                          : texts[i].text_length);
  png_destroy_read_struct(&png, &info, nullptr);
  std::fclose(file);
  return out;
}

}  // namespace sds::image
