// Opening safetensors files: mapping, the pickle check, and validation of the whole header.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "io/detail.h"
#include "util/text.h"

namespace sds::io {
namespace {

using json = nlohmann::json;

// The reference implementation refuses larger headers too; real ones are at most a few MB.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
// No real tensor comes close; the bound keeps a hostile header from growing huge arrays.
constexpr std::size_t kMaxRank = 64;
constexpr const char* kMetadataKey = "__metadata__";

using detail::inQuotes;
using detail::shapeText;

std::string rangeText(std::uint64_t begin, std::uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

[[noreturn]] void cannotOpen(const std::string& path, const std::string& reason) {
  throw SafetensorsError("cannot open safetensors file '" + path + "': " + reason);
}

[[noreturn]] void invalid(const std::string& path, const std::string& what) {
  throw SafetensorsError("invalid safetensors file '" + path + "': " + what);
}

[[noreturn]] void pickleCheckpoint(const std::string& path) {
  throw SafetensorsError(
      "'" + path + "' is a PyTorch pickle checkpoint (.ckpt/.pt/.bin), not a safetensors file. SD Studio never "
      "unpickles files, because loading a pickle can run arbitrary code. Convert it to .safetensors with a tool "
      "you trust (for example torch.load(path, weights_only=True) followed by safetensors.torch.save_file, or "
      "the diffusers conversion scripts) and open the .safetensors file instead.");
}

std::uint64_t readLittleEndian64(const std::uint8_t* bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

// A safetensors file may begin with the same bytes as a pickle (its header length's low bytes), so
// a file counts as a pickle only when it does not also look like a safetensors file.
bool plausibleSafetensors(const std::uint8_t* bytes, std::size_t available, std::uint64_t size) {
  if (available < 9) return false;
  const std::uint64_t headerLength = readLittleEndian64(bytes);
  return headerLength > 0 && headerLength <= size - 8 && bytes[8] == '{';
}

// `available` bytes of the file's start are in `bytes`; `size` is the whole file's.
bool pickleStart(const std::uint8_t* bytes, std::size_t available, std::uint64_t size) {
  const bool zip = available >= 4 && std::memcmp(bytes, "PK\x03\x04", 4) == 0;  // torch.save since 1.6
  const bool pickle = available >= 2 && bytes[0] == 0x80 && bytes[1] >= 2 && bytes[1] <= 5;  // PROTO opcode
  return (zip || pickle) && !plausibleSafetensors(bytes, available, size);
}

// Closes a descriptor on every path out of a function.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// Opens `path` for reading and checks it is a regular file; returns its size.
std::uint64_t openRegularFile(const std::string& path, FileDescriptor& file) {
  file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file.fd < 0) cannotOpen(path, std::strerror(errno));
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) cannotOpen(path, std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    cannotOpen(path, std::string("it is a folder, not a file (") + std::strerror(EISDIR) + ")");
  if (!S_ISREG(info.st_mode)) cannotOpen(path, "not a regular file");
  return static_cast<std::uint64_t>(info.st_size);
}

// The whole file, mapped private and read-only; unmapped when the last owner lets go.
class Mapping {
 public:
  explicit Mapping(const std::string& path) {
    FileDescriptor file;
    size_ = openRegularFile(path, file);
    if (size_ == 0) return;  // mmap refuses empty mappings; validation reports the empty file
    void* address = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (address == MAP_FAILED) cannotOpen(path, std::string("cannot map it: ") + std::strerror(errno));
    bytes_ = static_cast<const std::uint8_t*>(address);
  }
  ~Mapping() {
    if (bytes_) ::munmap(const_cast<std::uint8_t*>(bytes_), size_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  const std::uint8_t* bytes() const { return bytes_; }
  std::uint64_t size() const { return size_; }

 private:
  const std::uint8_t* bytes_ = nullptr;
  std::uint64_t size_ = 0;
};

// --- header structure, checked while parsing ---

std::string fieldExpectation(const std::string& field) {
  if (field == "dtype") return "a dtype name such as \"F32\"";
  if (field == "shape") return "an array of non-negative integers";
  return "an array [begin, end] of byte offsets";
}

bool knownField(const std::string& field) {
  return field == "dtype" || field == "shape" || field == "data_offsets";
}

// Rejects duplicate keys (the JSON parser would silently keep the last one) and every structure a
// safetensors header cannot have, while parsing: a hostile header then never grows deep or large
// values in memory. Scalar types and meaning are checked afterwards on the parsed value.
class StructureGuard {
 public:
  explicit StructureGuard(const std::string& path) : path_(path) {}

  bool operator()(int depth, json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        containerStart(depth, event == json::parse_event_t::object_start);
        break;
      case json::parse_event_t::key: key(depth, parsed.get<std::string>()); break;
      case json::parse_event_t::value:
        if (depth == 3) arrayValue();
        break;
      default: break;
    }
    return true;
  }

 private:
  bool inMetadata() const { return rootKey_ == kMetadataKey; }

  void containerStart(int depth, bool object) {
    if (depth == 0) return;  // the root; the header starts with '{', so it is an object
    if (depth == 1) {
      if (inMetadata() && !object) invalid(path_, "__metadata__ must be an object of string values");
      if (!inMetadata() && !object) invalid(path_, "tensor " + inQuotes(rootKey_) + " must be an object");
      entryKeys_.clear();
      return;
    }
    if (inMetadata()) invalid(path_, "__metadata__ value of " + inQuotes(field_) + " must be a string");
    if (depth > 2 || object || field_ == "dtype") fieldError();
    arrayLength_ = 0;
  }

  void key(int depth, const std::string& name) {
    if (depth == 1) {
      if (!rootKeys_.insert(name).second) invalid(path_, "the header lists " + inQuotes(name) + " twice");
      rootKey_ = name;
      return;
    }
    field_ = name;
    if (!entryKeys_.insert(name).second)
      invalid(path_, (inMetadata() ? "__metadata__" : "tensor " + inQuotes(rootKey_)) + ": key " + inQuotes(name) +
                         " appears twice");
    if (!inMetadata() && !knownField(name))
      invalid(path_, "tensor " + inQuotes(rootKey_) + ": unknown field " + inQuotes(name) +
                         " (expected dtype, shape and data_offsets)");
  }

  void arrayValue() {
    ++arrayLength_;
    if (field_ == "data_offsets" && arrayLength_ > 2) fieldError();
    if (field_ == "shape" && arrayLength_ > kMaxRank)
      invalid(path_, "tensor " + inQuotes(rootKey_) + ": shape has more than " + std::to_string(kMaxRank) +
                         " dimensions");
  }

  [[noreturn]] void fieldError() const {
    invalid(path_, "tensor " + inQuotes(rootKey_) + ": \"" + field_ + "\" must be " + fieldExpectation(field_));
  }

  const std::string& path_;
  std::set<std::string> rootKeys_, entryKeys_;
  std::string rootKey_, field_;
  std::size_t arrayLength_ = 0;
};

// --- header meaning, checked on the parsed value ---

class HeaderReader {
 public:
  HeaderReader(const std::string& path, std::uint64_t dataSize) : path_(path), dataSize_(dataSize) {}

  void readMetadata(const json& value, std::map<std::string, std::string>& out) const {
    if (!value.is_object()) invalid(path_, "__metadata__ must be an object of string values");
    for (const auto& [key, item] : value.items()) {
      if (!item.is_string())
        invalid(path_, "__metadata__ value of " + inQuotes(key) + " must be a string, not " +
                           text::shorten(item.dump(), 80));
      out.emplace(key, item.get<std::string>());
    }
  }

  TensorInfo readTensor(const std::string& name, const json& entry) const {
    if (!entry.is_object()) invalid(path_, "tensor " + inQuotes(name) + " must be an object");
    TensorInfo tensor;
    tensor.name = name;
    tensor.dtype = readDType(name, field(name, entry, "dtype"));
    tensor.shape = readShape(name, field(name, entry, "shape"));
    readOffsets(tensor, field(name, entry, "data_offsets"));
    return tensor;
  }

 private:
  const json& field(const std::string& name, const json& entry, const char* key) const {
    const auto it = entry.find(key);
    if (it == entry.end()) invalid(path_, "tensor " + inQuotes(name) + ": missing field \"" + key + "\"");
    return *it;
  }

  [[noreturn]] void fieldError(const std::string& name, const std::string& key, const json& value) const {
    invalid(path_, "tensor " + inQuotes(name) + ": \"" + key + "\" must be " + fieldExpectation(key) + ", not " +
                       text::shorten(value.dump(), 80));
  }

  DType readDType(const std::string& name, const json& value) const {
    if (!value.is_string()) fieldError(name, "dtype", value);
    const std::string text = value.get<std::string>();
    if (const auto dtype = parseDType(text)) return *dtype;
    std::vector<std::string> known;
    for (DType d : allDTypes()) known.emplace_back(dtypeName(d));
    invalid(path_, "tensor " + inQuotes(name) + ": unknown dtype " + inQuotes(text) + " (known: " +
                       text::joinAlternatives(known, false) + ")");
  }

  std::vector<std::int64_t> readShape(const std::string& name, const json& value) const {
    if (!value.is_array()) fieldError(name, "shape", value);
    std::vector<std::int64_t> shape;
    for (const json& dim : value) {
      // Negative numbers parse as number_integer, larger than int64 as unsigned or float.
      const bool valid = dim.is_number_unsigned() &&
                         dim.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX);
      if (!valid) fieldError(name, "shape", value);
      shape.push_back(dim.get<std::int64_t>());
    }
    return shape;
  }

  void readOffsets(TensorInfo& tensor, const json& value) const {
    const auto isOffset = [](const json& v) { return v.is_number_unsigned(); };
    if (!value.is_array() || value.size() != 2 || !isOffset(value[0]) || !isOffset(value[1]))
      fieldError(tensor.name, "data_offsets", value);
    tensor.begin = value[0].get<std::uint64_t>();
    tensor.end = value[1].get<std::uint64_t>();
    const std::string where =
        "tensor " + inQuotes(tensor.name) + ": data_offsets " + rangeText(tensor.begin, tensor.end);
    if (tensor.begin > tensor.end) invalid(path_, where + ": the begin is after the end");
    if (tensor.end > dataSize_)
      invalid(path_, where + ": the end is past the data section (" + std::to_string(dataSize_) +
                         " bytes); the file is truncated or the header is wrong");
    const std::optional<std::uint64_t> needed = byteSize(tensor.dtype, tensor.shape);
    const std::string what = std::string(dtypeName(tensor.dtype)) + " " + shapeText(tensor.shape);
    if (!needed)
      invalid(path_, "tensor " + inQuotes(tensor.name) + ": " + what + " has more elements than fit in 64 bits");
    if (*needed != tensor.bytes())
      invalid(path_, where + " span " + std::to_string(tensor.bytes()) + " bytes, but " + what + " needs " +
                         std::to_string(*needed));
  }

  const std::string& path_;
  std::uint64_t dataSize_;
};

// Tensors may leave gaps between them (harmless, never read), but no byte may belong to two tensors.
// Empty tensors occupy no bytes, so they can sit anywhere.
void checkNoOverlap(const std::string& path, const std::vector<TensorInfo>& tensors) {
  std::vector<const TensorInfo*> byOffset;
  for (const TensorInfo& t : tensors)
    if (t.bytes() > 0) byOffset.push_back(&t);
  std::sort(byOffset.begin(), byOffset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  for (std::size_t i = 1; i < byOffset.size(); ++i) {
    const TensorInfo& a = *byOffset[i - 1];
    const TensorInfo& b = *byOffset[i];
    if (b.begin < a.end)
      invalid(path, "tensors " + inQuotes(a.name) + " (bytes " + rangeText(a.begin, a.end) + ") and " +
                        inQuotes(b.name) + " (bytes " + rangeText(b.begin, b.end) + ") overlap");
  }
}

void checkHeaderText(const std::string& path, std::string_view header) {
  if (header.front() != '{') invalid(path, "the header is not a JSON object (it must start with '{')");
  if (const auto offset = detail::invalidUtf8Offset(header))
    invalid(path, "the header is not valid UTF-8 (byte " + std::to_string(*offset) + " of the header)");
  // The JSON parser stops at a NUL byte as if the input ended there; valid JSON never contains one.
  if (const auto nul = header.find('\0'); nul != std::string_view::npos)
    invalid(path, "the header contains a NUL byte (byte " + std::to_string(nul) + " of the header)");
}

json parseHeader(const std::string& path, std::string_view header) {
  StructureGuard guard(path);
  json root;
  try {
    root = json::parse(header.begin(), header.end(),
                       [&guard](int depth, json::parse_event_t event, json& parsed) {
                         return guard(depth, event, parsed);
                       });
  } catch (const json::exception& e) {
    // "[json.exception.parse_error.101] parse error at ..." without the library's prefix.
    std::string message = e.what();
    if (const auto end = message.find("] "); message.rfind("[json.exception", 0) == 0 && end != std::string::npos)
      message.erase(0, end + 2);
    // The parser quotes what it last read, which may end inside a UTF-8 character.
    invalid(path, "the header is not valid JSON: " + detail::printable(message));
  }
  if (!root.is_object()) invalid(path, "the header is not a JSON object (it must start with '{')");
  return root;
}

}  // namespace

std::int64_t TensorInfo::numel() const { return elementCount(shape).value_or(0); }

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  auto mapping = std::make_shared<const Mapping>(path);
  const std::uint8_t* bytes = mapping->bytes();
  const std::uint64_t size = mapping->size();
  if (pickleStart(bytes, size, size)) pickleCheckpoint(path);
  if (size < 8)
    invalid(path, "the file is " + std::to_string(size) + " bytes long, too short for the 8-byte header length");

  const std::uint64_t headerLength = readLittleEndian64(bytes);
  if (headerLength == 0) invalid(path, "the header length is 0");
  if (headerLength > kMaxHeaderBytes)
    invalid(path, "the header length " + std::to_string(headerLength) + " is absurd (the limit is " +
                      std::to_string(kMaxHeaderBytes) + " bytes)");
  if (headerLength > size - 8)
    invalid(path, "the header length " + std::to_string(headerLength) + " is larger than the rest of the file (" +
                      std::to_string(size - 8) + " bytes); the file is truncated");
  const std::string_view header(reinterpret_cast<const char*>(bytes + 8), headerLength);
  checkHeaderText(path, header);
  const json root = parseHeader(path, header);

  SafetensorsFile file;
  file.path_ = path;
  file.dataStart_ = bytes + 8 + headerLength;
  // The format says the data section must be entirely indexed; bytes after the last tensor are
  // accepted (some writers pad) but never read.
  file.dataSize_ = size - 8 - headerLength;
  const HeaderReader reader(path, file.dataSize_);
  for (const auto& [key, value] : root.items()) {
    if (key == kMetadataKey)
      reader.readMetadata(value, file.metadata_);
    else
      file.tensors_.push_back(reader.readTensor(key, value));
  }
  checkNoOverlap(path, file.tensors_);
  std::sort(file.tensors_.begin(), file.tensors_.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
  file.mapping_ = std::move(mapping);
  return file;
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
  const auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                                   [](const TensorInfo& t, std::string_view n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

const std::uint8_t* SafetensorsFile::data(const TensorInfo& tensor) const {
  if (tensor.begin > tensor.end || tensor.end > dataSize_)
    throw std::out_of_range("tensor " + inQuotes(tensor.name) + " lies outside the data of '" + path_ + "'");
  return dataStart_ + tensor.begin;
}

bool looksLikePickle(const std::string& path) {
  try {
    FileDescriptor file;
    const std::uint64_t size = openRegularFile(path, file);
    std::uint8_t start[9] = {};
    const ssize_t got = ::pread(file.fd, start, sizeof start, 0);
    return got > 0 && pickleStart(start, static_cast<std::size_t>(got), size);
  } catch (const SafetensorsError&) {
    return false;
  }
}

}  // namespace sds::io
