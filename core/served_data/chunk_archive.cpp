#include "served_data/chunk_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "data/image_reader.h"
#include "served_data/chunk_plan.h"

namespace sds::served {

namespace {

la_ssize_t appendTo(struct archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

const char* extensionOf(image::ImageFormat format) {
  switch (format) {
    case image::ImageFormat::Png: return "png";
    case image::ImageFormat::Jpeg: return "jpg";
    case image::ImageFormat::Webp: return "webp";
    case image::ImageFormat::Bmp: return "bmp";
    case image::ImageFormat::Unknown: break;
  }
  return "img";
}

}  // namespace

std::string chunkArchive(const data::Dataset& dataset, const std::vector<std::size_t>& samples, std::size_t chunk,
                         data::ImageReader& reader) {
  std::string out;
  std::unique_ptr<struct archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  auto fail = [&](const std::string& what) {
    const char* reason = archive_error_string(a.get());
    throw std::runtime_error("cannot pack chunk " + std::to_string(chunk) + ": " + what + (reason ? ": " : "") +
                             (reason ? reason : ""));
  };
  if (archive_write_set_format_ustar(a.get()) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK ||
      archive_write_open(a.get(), &out, nullptr, appendTo, nullptr) != ARCHIVE_OK)
    fail("opening the tar writer");
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
  auto add = [&](const std::string& name, const void* data, std::size_t size) {
    archive_entry_clear(entry.get());
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) fail("writing " + name);
    if (size > 0 && archive_write_data(a.get(), data, size) != static_cast<la_ssize_t>(size)) fail("writing " + name);
  };
  for (std::size_t n = 0; n < samples.size(); ++n) {
    const data::Sample& sample = dataset.samples.at(samples[n]);
    char key[48];
    std::snprintf(key, sizeof key, "c%06zu-%05zu", chunk, n);
    const std::vector<std::uint8_t> bytes = reader.read(sample.image);
    add(std::string(key) + "." + extensionOf(sample.format), bytes.data(), bytes.size());
    const std::string caption = servedCaption(dataset, sample);
    add(std::string(key) + ".txt", caption.data(), caption.size());
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) fail("closing the tar");
  return out;
}

}  // namespace sds::served
