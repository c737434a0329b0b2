#pragma once
// A training dataset as scanned from disk: its concepts, the usable samples with their captions and
// sizes, and every problem found, each naming the file and the reason. Torch-free.
//
// Sources: a folder of images with a caption file beside each (subfolders are concepts), or
// WebDataset tar shards (image + txt + optional json per key). Nothing bad is dropped silently: every
// skipped file is an issue in the report.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "image/decode.h"

namespace sds::text {
class ClipTokenizer;
}

namespace sds::data {

// Where an image's bytes are: a file, or a member of a tar shard.
struct ImageRef {
  std::string path;    // the file, or the shard
  std::string member;  // empty for a plain file
  std::string displayName() const { return member.empty() ? path : path + ":" + member; }
};

// A folder of images trained together. A folder named "10_sks dog" repeats 10 times per epoch and
// captions images without a caption file "sks dog" (kohya's convention); a concept.toml in the folder
// can set repeats, caption_prefix and default_caption.
struct Concept {
  std::string folder;  // relative to the dataset root; "" for the root
  int repeats = 1;
  std::string captionPrefix;
  std::string defaultCaption;
};

struct Sample {
  ImageRef image;
  std::string caption;        // as written (the concept's prefix is applied per use, see captions.h)
  std::size_t concept = 0;    // index into Dataset::concepts
  int width = 0, height = 0;  // in display orientation (EXIF applied)
  image::ImageFormat format = image::ImageFormat::Unknown;
  std::uint64_t contentHash = 0;  // of the file's bytes: cache key and duplicate detection
};

enum class IssueKind {
  Unreadable, Empty, NotAnImage, Unsupported, Truncated, Corrupt, TooLarge,  // the decoder's reasons
  MissingCaption, BadCaption, CaptionTooLong, TooSmall, Duplicate, Filtered, BadConcept, BadShard,
};
// "unreadable", "missing caption", … for reports; stable names (the JSON report uses them).
const char* issueName(IssueKind kind);

struct Issue {
  IssueKind kind;
  std::string item;     // the file, member or concept.toml it is about
  std::string message;  // what is wrong and what to do
  // The image it names was left out. False for warnings (the sample is used) and for issues about a
  // folder, shard or concept.toml rather than one image.
  bool skipped = true;
};

struct Dataset {
  std::string root;
  std::vector<Concept> concepts;
  std::vector<Sample> samples;
  std::vector<Issue> issues;
  // Image files and members looked at: each one is either a sample or named by one skipped issue,
  // so examined == samples.size() + skipped().
  std::size_t examined = 0;
  std::map<std::string, std::size_t> formats;  // usable samples per format ("PNG", "JPEG", …)

  std::size_t skipped() const;
  // Samples per epoch with the concepts' repeats.
  std::size_t epochSize() const;
};

struct DatasetOptions {
  std::string path;               // folder, a .tar shard, or a brace pattern of shards
  std::string kind = "auto";      // auto, folder, webdataset
  std::string captionExtension = ".txt";
  std::string defaultCaption;     // for images without a caption and without a concept default
  int repeats = 1;                // the root's repeats, when its folder name does not set them
  int minImageSize = 0;           // shorter sides below this are skipped
  std::vector<std::string> filters;  // WebDataset json filters: "original_width >= 512", "pwatermark <= 0.5"
  const text::ClipTokenizer* tokenizer = nullptr;  // when set, captions over its limit are warned about
  int workers = 0;                // decoding threads; 0: one per core, up to 8
};

struct ScanCallbacks {
  std::function<void(std::size_t done, std::size_t total)> progress;
  const std::atomic<bool>* cancel = nullptr;
};

// Scans and checks every image. Throws std::runtime_error only when the dataset itself cannot be
// used (the path does not exist, a shard pattern is malformed), naming it; cancelling throws
// ScanCancelled.
Dataset scanDataset(const DatasetOptions& options, const ScanCallbacks& callbacks = {});

struct ScanCancelled : std::runtime_error {
  ScanCancelled() : std::runtime_error("dataset scan cancelled") {}
};

// 64-bit FNV-1a of bytes (content identity for caches and duplicates).
std::uint64_t contentHash(const std::uint8_t* data, std::size_t size);

}  // namespace sds::data
