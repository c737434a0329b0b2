#pragma once
// Reading the bytes of dataset images: plain files, and members of WebDataset tar shards. Torch-free.
//
// Tar shards have no index, so the reader builds one per shard on first use (member → header
// offset) and seeks to members of uncompressed shards directly; compressed shards are read front to
// back. Many images at once (readImages) read each shard once, in member order.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace sds::data {

class ImageReader {
 public:
  ImageReader();
  ~ImageReader();
  ImageReader(const ImageReader&) = delete;
  ImageReader& operator=(const ImageReader&) = delete;

  // The image's bytes. Throws std::runtime_error naming the file or member when it cannot be read
  // (a file vanished or changed since the scan). Thread-safe.
  std::vector<std::uint8_t> read(const ImageRef& image);

  // Calls `use(index, bytes)` for every image, in an order that reads each shard once; `use` may be
  // called from the calling thread only. Throws like read().
  void readAll(const std::vector<ImageRef>& images,
               const std::function<void(std::size_t index, std::vector<std::uint8_t>&& bytes)>& use);

 private:
  struct ShardIndex;
  std::shared_ptr<ShardIndex> indexOf(const std::string& shard);
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ShardIndex>> shards_;
};

}  // namespace sds::data
