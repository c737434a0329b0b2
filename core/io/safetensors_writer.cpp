// Writing safetensors files: validation first, then the header and the data streamed to a temporary
// file that replaces the target only when complete.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "io/detail.h"
#include "io/safetensors.h"

namespace sds::io {
namespace {

using detail::inQuotes;

[[noreturn]] void cannotWrite(const std::string& path, const std::string& what) {
  throw SafetensorsError("cannot write safetensors file '" + path + "': " + what);
}

// JSON text must be UTF-8; checked here so that a bad name is reported as such, before any file exists.
void checkUtf8(const std::string& path, const std::string& what, const std::string& text) {
  if (const auto offset = detail::invalidUtf8Offset(text))
    cannotWrite(path, what + " is not valid UTF-8 (byte " + std::to_string(*offset) + ")");
}

void checkTensor(const std::string& path, const TensorToWrite& t) {
  checkUtf8(path, "tensor name " + inQuotes(t.name), t.name);
  if (t.name == "__metadata__") cannotWrite(path, "a tensor cannot be named '__metadata__' (the format reserves it)");
  const std::string what = "tensor " + inQuotes(t.name) + ": " + std::string(dtypeName(t.dtype)) + " " +
                           detail::shapeText(t.shape);
  const std::optional<std::uint64_t> needed = byteSize(t.dtype, t.shape);
  if (!needed) cannotWrite(path, what + " has a negative dimension or more elements than fit in 64 bits");
  if (*needed != t.bytes)
    cannotWrite(path, what + " needs " + std::to_string(*needed) + " bytes, but " + std::to_string(t.bytes) +
                          " were given");
  if (t.bytes > 0 && t.data == nullptr) cannotWrite(path, "tensor " + inQuotes(t.name) + " has no data");
}

void validate(const std::string& path, const std::vector<TensorToWrite>& tensors,
              const std::map<std::string, std::string>& metadata) {
  std::set<std::string_view> names;
  for (const TensorToWrite& t : tensors) {
    checkTensor(path, t);
    if (!names.insert(t.name).second) cannotWrite(path, "tensor " + inQuotes(t.name) + " is given twice");
  }
  for (const auto& [key, value] : metadata) {
    checkUtf8(path, "metadata key " + inQuotes(key), key);
    checkUtf8(path, "the value of metadata key " + inQuotes(key), value);
  }
}

// Largest elements first, then by name: every tensor then starts at a multiple of its element size
// (all sizes are powers of two), so readers can use the data in place. The reference writer does the same.
std::vector<const TensorToWrite*> layoutOrder(const std::vector<TensorToWrite>& tensors) {
  std::vector<const TensorToWrite*> order;
  for (const TensorToWrite& t : tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](const TensorToWrite* a, const TensorToWrite* b) {
    const std::size_t sa = dtypeSize(a->dtype), sb = dtypeSize(b->dtype);
    return sa != sb ? sa > sb : a->name < b->name;
  });
  return order;
}

// The JSON header (metadata first, then tensors by name), padded with spaces to a multiple of 8 bytes
// so that the data section starts aligned.
std::string headerText(const std::vector<const TensorToWrite*>& order,
                       const std::map<std::string, std::string>& metadata) {
  std::map<std::string_view, nlohmann::ordered_json> entries;
  std::uint64_t offset = 0;
  for (const TensorToWrite* t : order) {
    entries[t->name] = {{"dtype", std::string(dtypeName(t->dtype))},
                        {"shape", t->shape},
                        {"data_offsets", {offset, offset + t->bytes}}};
    offset += t->bytes;
  }
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  for (auto& [name, entry] : entries) header[std::string(name)] = std::move(entry);
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

// A temporary file next to the target that replaces it on commit() and is removed otherwise.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& target) : target_(target) {
    namespace fs = std::filesystem;
    const fs::path path(target);
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    temp_ = (folder / ("." + path.filename().string() + ".XXXXXX")).string();
    fd_ = ::mkstemp(temp_.data());
    if (fd_ < 0) fail("cannot create a temporary file next to it");
  }

  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }

  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  void write(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    while (size > 0) {
      const ssize_t written = ::write(fd_, bytes, size);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) fail("cannot write '" + temp_ + "'");
      bytes += written;
      size -= static_cast<std::size_t>(written);
    }
  }

  void commit() {
    // mkstemp creates 0600; model files should be readable like any other file.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd_, 0666 & ~mask);
    if (::fsync(fd_) != 0) fail("cannot flush '" + temp_ + "'");
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("cannot flush '" + temp_ + "'");
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("cannot replace it");
    committed_ = true;
    syncFolder();
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { cannotWrite(target_, what + ": " + std::strerror(errno)); }

  // Makes the rename itself durable; some file systems refuse to sync folders, which is harmless.
  void syncFolder() const {
    const std::filesystem::path folder = std::filesystem::path(temp_).parent_path();
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
  }

  std::string target_, temp_;
  int fd_ = -1;
  bool committed_ = false;
};

void writeLittleEndian64(TemporaryFile& file, std::uint64_t value) {
  std::uint8_t bytes[8];
  for (std::uint8_t& b : bytes) {
    b = static_cast<std::uint8_t>(value & 0xFF);
    value >>= 8;
  }
  file.write(bytes, sizeof bytes);
}

}  // namespace

void writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  validate(path, tensors, metadata);
  const std::vector<const TensorToWrite*> order = layoutOrder(tensors);
  const std::string header = headerText(order, metadata);

  TemporaryFile file(path);
  writeLittleEndian64(file, header.size());
  file.write(header.data(), header.size());
  for (const TensorToWrite* t : order) file.write(t->data, t->bytes);
  file.commit();
}

}  // namespace sds::io
