#pragma once
// TensorBoard event files (events.out.tfevents.<time>.<host>) written directly: TFRecord framing with
// masked CRC-32C checksums around hand-encoded tensorflow.Event protocol buffers. Scalars and PNG
// images; TensorBoard reads them as it reads TensorFlow's or PyTorch's. Torch-free.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sds::train {

// CRC-32C (Castagnoli), and TFRecord's masked form of it.
std::uint32_t crc32c(const void* data, std::size_t size);
std::uint32_t maskedCrc32c(const void* data, std::size_t size);

class TfEventsWriter {
 public:
  // Creates <folder>/events.out.tfevents.<seconds>.<host> (the folder too) and writes the version
  // record. Throws std::runtime_error naming the file.
  explicit TfEventsWriter(const std::string& folder);
  ~TfEventsWriter();

  const std::string& path() const { return path_; }

  void scalar(const std::string& tag, double value, std::int64_t step);
  // An encoded PNG with its size (TensorBoard shows it under Images).
  void image(const std::string& tag, const std::vector<std::uint8_t>& png, int width, int height, std::int64_t step);
  // Records reach the file; TensorBoard then sees them. Called by the trainer at checkpoints.
  void flush();

 private:
  void record(const std::string& event);
  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::mutex mutex_;
};

}  // namespace sds::train
