#pragma once
// Writing 8-bit RGB PNG files with text metadata (prompt, seed, step …), atomically. Torch-free.

#include <map>
#include <string>

#include "image/image_types.h"

namespace sds::image {

// Throws std::runtime_error naming the file and the reason; `path` keeps its old content on failure.
// Text entries are stored as iTXt chunks (UTF-8).
void writePng(const std::string& path, const Rgb8Image& image, const std::map<std::string, std::string>& text = {});

// The text entries of a PNG file (tEXt, zTXt and iTXt), for tests and the sample gallery.
std::map<std::string, std::string> readPngText(const std::string& path);

}  // namespace sds::image
