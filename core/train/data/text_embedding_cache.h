#pragma once
// Text-encoder outputs cached on disk while the text encoders are frozen and captions are fixed (no tag
// shuffling, no dropout): each distinct caption is encoded once. The key is the caption's token ids
// (from every tokenizer of the model), the folder the text encoders' fingerprint, so a changed caption,
// tokenizer or encoder never reads a stale entry.

#include <ATen/core/Tensor.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "models/prompt_encoder.h"

namespace sds::data {

struct TextFillStats {
  std::size_t reused = 0, encoded = 0;
};

class TextEmbeddingCache {
 public:
  // `model` stays owned by the caller and must outlive the cache.
  TextEmbeddingCache(const std::string& folder, models::StableDiffusionModel& model);

  const std::string& directory() const { return directory_; }
  std::string pathOf(const std::string& caption) const;

  // Encodes the captions not cached yet, `batchSize` at a time.
  TextFillStats fill(const std::vector<std::string>& captions, int batchSize,
                     const std::function<void(std::size_t done, std::size_t total)>& progress = {});

  // The cached embeddings of one caption ([tokens, D] and, for SDXL, [P]); throws std::runtime_error
  // naming the file when it is missing or damaged.
  models::PromptEmbeddings load(const std::string& caption) const;

 private:
  // The entry's file with its header checked, no data read.
  io::SafetensorsFile openEntry(const std::string& path) const;

  std::string directory_;
  models::StableDiffusionModel& model_;
};

}  // namespace sds::data
