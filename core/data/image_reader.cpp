#include "data/image_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sds::data {
namespace {

using Archive = std::unique_ptr<archive, int (*)(archive*)>;

Archive openShard(const std::string& shard, bool anyFilter) {
  Archive a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  if (anyFilter) archive_read_support_filter_all(a.get());
  if (archive_read_open_filename(a.get(), shard.c_str(), 1 << 16) != ARCHIVE_OK)
    throw std::runtime_error(shard + ": cannot be read as a tar archive: " + archive_error_string(a.get()));
  return a;
}

std::vector<std::uint8_t> readEntry(archive* a, archive_entry* entry, const std::string& where) {
  const la_int64_t size = archive_entry_size(entry);
  if (size < 0 || static_cast<std::uint64_t>(size) > (std::uint64_t(1) << 30))
    throw std::runtime_error(where + ": member has an impossible size");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  const la_ssize_t n = archive_read_data(a, bytes.data(), bytes.size());
  if (n != size) throw std::runtime_error(where + ": cannot be read: " + (n < 0 ? archive_error_string(a) : "truncated"));
  return bytes;
}

std::vector<std::uint8_t> readPlainFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be opened (it was readable when the dataset was scanned)");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string s = buffer.str();
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

}  // namespace

struct ImageReader::ShardIndex {
  bool seekable = false;                        // an uncompressed tar: members can be read by offset
  std::map<std::string, la_int64_t> offsets;    // member → header position
  std::vector<std::string> order;               // members in file order
};

ImageReader::ImageReader() = default;
ImageReader::~ImageReader() = default;

std::shared_ptr<ImageReader::ShardIndex> ImageReader::indexOf(const std::string& shard) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto it = shards_.find(shard);
    if (it != shards_.end()) return it->second;
  }
  auto index = std::make_shared<ShardIndex>();
  Archive a = openShard(shard, true);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    index->offsets.emplace(name, archive_read_header_position(a.get()));
    index->order.push_back(name);
  }
  index->seekable = archive_filter_count(a.get()) <= 1;  // only the "none" filter: no compression
  const std::lock_guard<std::mutex> lock(mutex_);
  return shards_.emplace(shard, index).first->second;
}

std::vector<std::uint8_t> ImageReader::read(const ImageRef& image) {
  if (image.member.empty()) return readPlainFile(image.path);
  const std::shared_ptr<ShardIndex> index = indexOf(image.path);
  const auto at = index->offsets.find(image.member);
  if (at == index->offsets.end())
    throw std::runtime_error(image.displayName() + ": no such member in the shard (it changed since the scan)");
  if (index->seekable) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(image.path.c_str(), "rb"), std::fclose);
    if (!file || std::fseek(file.get(), static_cast<long>(at->second), SEEK_SET) != 0)
      throw std::runtime_error(image.path + ": cannot be opened");
    Archive a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    archive_entry* entry = nullptr;
    if (archive_read_open_FILE(a.get(), file.get()) != ARCHIVE_OK ||
        archive_read_next_header(a.get(), &entry) != ARCHIVE_OK || archive_entry_pathname(entry) != image.member)
      throw std::runtime_error(image.displayName() + ": cannot be read at its recorded position");
    return readEntry(a.get(), entry, image.displayName());
  }
  Archive a = openShard(image.path, true);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK)
    if (archive_entry_pathname(entry) && image.member == archive_entry_pathname(entry))
      return readEntry(a.get(), entry, image.displayName());
  throw std::runtime_error(image.displayName() + ": not found in the shard");
}

void ImageReader::readAll(const std::vector<ImageRef>& images,
                          const std::function<void(std::size_t, std::vector<std::uint8_t>&&)>& use) {
  std::map<std::string, std::map<std::string, std::vector<std::size_t>>> byShard;  // shard → member → indices
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (images[i].member.empty())
      use(i, readPlainFile(images[i].path));
    else
      byShard[images[i].path][images[i].member].push_back(i);
  }
  for (auto& [shard, members] : byShard) {
    Archive a = openShard(shard, true);
    archive_entry* entry = nullptr;
    while (!members.empty() && archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
      const auto it = members.find(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
      if (it == members.end()) continue;
      std::vector<std::uint8_t> bytes = readEntry(a.get(), entry, shard + ":" + it->first);
      for (std::size_t k = 0; k + 1 < it->second.size(); ++k) use(it->second[k], std::vector<std::uint8_t>(bytes));
      use(it->second.back(), std::move(bytes));
      members.erase(it);
    }
    if (!members.empty())
      throw std::runtime_error(shard + ":" + members.begin()->first + ": not found in the shard (it changed since the scan)");
  }
}

}  // namespace sds::data
