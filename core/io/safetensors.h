#pragma once
// Reading and writing safetensors files (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then
// the raw little-endian tensor data. Model files come from strangers, so opening validates the whole
// header before anything is handed out, and never reads outside the file.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "io/dtype.h"

namespace sds::io {

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  // Byte range [begin, end) in the data section (the bytes after the header).
  std::uint64_t begin = 0, end = 0;

  std::int64_t numel() const;                         // 1 for a scalar (empty shape)
  std::uint64_t bytes() const { return end - begin; }  // numel() * dtypeSize(dtype)
};

// Every failure to open, validate or write a file. The message names the file and what is wrong.
class SafetensorsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A read-only, memory-mapped safetensors file. Tensor data is not copied: data() points into the
// mapping, which lives as long as any copy of this object or any keepAlive() handle.
// The mapping is private and read-only; a file truncated by another process while mapped can still
// fault on access (as with any mmap), which is why callers should not open files being written.
class SafetensorsFile {
 public:
  // Maps and validates the file; throws SafetensorsError for a missing, unreadable or invalid file,
  // and for a PyTorch pickle checkpoint (which is never unpickled).
  static SafetensorsFile open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }  // sorted by name
  const TensorInfo* find(std::string_view name) const;                 // nullptr when absent
  const std::map<std::string, std::string>& metadata() const { return metadata_; }  // "__metadata__"

  // The tensor's first byte inside the mapping (bytes() bytes long). `tensor` must be one of
  // tensors(); a range outside this file's data section throws std::out_of_range. The pointer is
  // aligned to the element size only when the writer aligned it (writeSafetensors and the reference
  // Python writer do); check before reinterpreting.
  const std::uint8_t* data(const TensorInfo& tensor) const;

  // Keeps the mapping alive, for zero-copy views that outlive this object.
  std::shared_ptr<const void> keepAlive() const { return mapping_; }

 private:
  SafetensorsFile() = default;

  std::string path_;
  std::shared_ptr<const void> mapping_;
  const std::uint8_t* dataStart_ = nullptr;
  std::uint64_t dataSize_ = 0;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

// True when the file starts like a PyTorch checkpoint (a zip archive or a pickle stream) and not like
// a safetensors file; false when it cannot be read. Used to explain .ckpt/.pt/.bin files.
bool looksLikePickle(const std::string& path);

struct TensorToWrite {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  const void* data = nullptr;  // bytes bytes, little-endian elements; may be null when bytes is 0
  std::size_t bytes = 0;
};

// Writes a safetensors file atomically (temporary file in the same folder, flushed, then renamed), so
// `path` holds either its old content or the complete new file. Everything is validated before any
// file is created: names (unique, not "__metadata__", UTF-8), shapes, byte counts, metadata UTF-8.
// The header is padded with spaces to a multiple of 8 bytes; tensor data is laid out by element size
// (largest first), then by name, which keeps every tensor aligned to its element size.
// Throws SafetensorsError naming the file and the reason.
void writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace sds::io
