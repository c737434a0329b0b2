#include "train/tfevents.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace sds::train {
namespace {

std::array<std::uint32_t, 256> crcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    table[i] = c;
  }
  return table;
}

// Protocol buffer encoding, the few pieces an Event needs.
void varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void key(std::string& out, int field, int wireType) { varint(out, static_cast<std::uint64_t>(field) << 3 | wireType); }
void fixed64(std::string& out, int field, double value) {
  key(out, field, 1);
  char bytes[8];
  std::memcpy(bytes, &value, 8);  // little-endian hosts only, as the build targets
  out.append(bytes, 8);
}
void fixed32(std::string& out, int field, float value) {
  key(out, field, 5);
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  out.append(bytes, 4);
}
void bytesField(std::string& out, int field, const std::string& value) {
  key(out, field, 2);
  varint(out, value.size());
  out += value;
}
void intField(std::string& out, int field, std::int64_t value) {
  key(out, field, 0);
  varint(out, static_cast<std::uint64_t>(value));
}

double now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// tensorflow.Event { wall_time = 1; step = 2; file_version = 3 | summary = 5 }
std::string event(std::int64_t step, const std::string& summary) {
  std::string e;
  fixed64(e, 1, now());
  intField(e, 2, step);
  bytesField(e, 5, summary);
  return e;
}

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t size) {
  static const std::array<std::uint32_t, 256> table = crcTable();
  std::uint32_t c = 0xFFFFFFFFu;
  const auto* p = static_cast<const std::uint8_t*>(data);
  for (std::size_t i = 0; i < size; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::uint32_t maskedCrc32c(const void* data, std::size_t size) {
  const std::uint32_t c = crc32c(data, size);
  return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}

TfEventsWriter::TfEventsWriter(const std::string& folder) : file_(nullptr, std::fclose) {
  std::filesystem::create_directories(folder);
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  path_ = (std::filesystem::path(folder) /
           ("events.out.tfevents." + std::to_string(static_cast<long long>(now())) + "." + host))
              .string();
  file_.reset(std::fopen(path_.c_str(), "ab"));
  if (!file_) throw std::runtime_error(path_ + ": cannot be created");
  std::string version;
  fixed64(version, 1, now());
  bytesField(version, 3, "brain.Event:2");
  record(version);
  flush();
}

TfEventsWriter::~TfEventsWriter() = default;

void TfEventsWriter::record(const std::string& data) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t length = data.size();
  char header[12];
  std::memcpy(header, &length, 8);
  const std::uint32_t lengthCrc = maskedCrc32c(header, 8);
  std::memcpy(header + 8, &lengthCrc, 4);
  const std::uint32_t dataCrc = maskedCrc32c(data.data(), data.size());
  if (std::fwrite(header, 1, 12, file_.get()) != 12 || std::fwrite(data.data(), 1, data.size(), file_.get()) != data.size() ||
      std::fwrite(&dataCrc, 1, 4, file_.get()) != 4)
    throw std::runtime_error(path_ + ": cannot be written (disk full?)");
}

void TfEventsWriter::scalar(const std::string& tag, double value, std::int64_t step) {
  // Summary { repeated Value value = 1 }, Value { tag = 1; simple_value = 2 }
  std::string v;
  bytesField(v, 1, tag);
  fixed32(v, 2, static_cast<float>(value));
  std::string summary;
  bytesField(summary, 1, v);
  record(event(step, summary));
}

void TfEventsWriter::image(const std::string& tag, const std::vector<std::uint8_t>& png, int width, int height,
                           std::int64_t step) {
  // Summary.Image { height = 1; width = 2; colorspace = 3; encoded_image_string = 4 }, Value.image = 4
  std::string img;
  intField(img, 1, height);
  intField(img, 2, width);
  intField(img, 3, 3);  // RGB
  bytesField(img, 4, std::string(png.begin(), png.end()));
  std::string v;
  bytesField(v, 1, tag);
  bytesField(v, 4, img);
  std::string summary;
  bytesField(summary, 1, v);
  record(event(step, summary));
}

void TfEventsWriter::flush() {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::fflush(file_.get());
}

}  // namespace sds::train
