#include "dataset_files.h"

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>

#include "image_encoders.h"

namespace sds::testimg {

std::string noisePng(int width, int height, std::uint32_t seed) {
  PngSpec spec;
  spec.width = width;
  spec.height = height;
  for (std::uint8_t v : noise(width, height, 3, seed)) spec.samples.push_back(v);
  return encodePng(spec);
}

std::string noiseJpeg(int width, int height, std::uint32_t seed) {
  JpegSpec spec;
  spec.width = width;
  spec.height = height;
  spec.pixels = noise(width, height, 3, seed);
  return encodeJpeg(spec);
}

std::string noiseWebp(int width, int height, std::uint32_t seed) {
  return encodeWebp(noise(width, height, 3, seed), width, height, 3, true);
}

std::string noiseBmp(int width, int height, std::uint32_t seed) {
  BmpSpec spec;
  spec.width = width;
  spec.height = height;
  spec.pixels = noise(width, height, 3, seed);
  return encodeBmp(spec);
}

std::string pngClaiming(std::uint32_t width, std::uint32_t height) {
  std::string bytes = noisePng(4, 4, 1);
  const auto put = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(v >> (24 - 8 * i));
  };
  put(16, width);
  put(20, height);
  // The chunk's CRC-32 over its type and data (bytes 12–28), so only the size is wrong.
  std::uint32_t crc = 0xffffffffu;
  for (std::size_t i = 12; i < 29; ++i) {
    crc ^= static_cast<std::uint8_t>(bytes[i]);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  put(29, ~crc);
  return bytes;
}

std::string tarOf(const std::vector<std::pair<std::string, std::string>>& members) {
  std::vector<char> buffer(1 << 24);
  std::size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_ustar(a);
  archive_write_set_bytes_in_last_block(a, 1);
  if (archive_write_open_memory(a, buffer.data(), buffer.size(), &used) != ARCHIVE_OK)
    throw std::runtime_error(archive_error_string(a));
  for (const auto& [name, content] : members) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_mtime(entry, 1700000000, 0);
    if (archive_write_header(a, entry) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
    if (archive_write_data(a, content.data(), content.size()) != static_cast<la_ssize_t>(content.size()))
      throw std::runtime_error(archive_error_string(a));
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buffer.data(), used);
}

}  // namespace sds::testimg
