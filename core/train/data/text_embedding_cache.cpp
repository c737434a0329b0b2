#include "train/data/text_embedding_cache.h"

#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include "data/cache_entry.h"
#include "data/dataset.h"
#include "train/data/model_identity.h"
#include "io/safetensors.h"
#include "models/io/torch_tensors.h"

namespace sds::data {
namespace fs = std::filesystem;

TextEmbeddingCache::TextEmbeddingCache(const std::string& folder, models::StableDiffusionModel& model) : model_(model) {
  std::string id = weightsFingerprint(*model.textEncoder);
  if (model.textEncoder2) id += "-" + weightsFingerprint(*model.textEncoder2);
  directory_ = (fs::path(folder) / id).string();
}

std::string TextEmbeddingCache::pathOf(const std::string& caption) const {
  std::vector<std::int64_t> ids = model_.tokenizer->encodePadded(caption);
  if (model_.tokenizer2) {
    const std::vector<std::int64_t> second = model_.tokenizer2->encodePadded(caption);
    ids.insert(ids.end(), second.begin(), second.end());
  }
  char name[40];
  std::snprintf(name, sizeof name, "%016llx.safetensors",
                static_cast<unsigned long long>(
                    contentHash(reinterpret_cast<const std::uint8_t*>(ids.data()), ids.size() * sizeof(std::int64_t))));
  return (fs::path(directory_) / name).string();
}

io::SafetensorsFile TextEmbeddingCache::openEntry(const std::string& path) const {
  io::SafetensorsFile file = io::SafetensorsFile::open(path);
  const io::TensorInfo* hidden = file.find("hidden");
  if (!hidden || hidden->shape.size() != 2 || (model_.textEncoder2 && !file.find("pooled")))
    throw std::runtime_error(path + ": not a text embedding cache entry of this model");
  return file;
}

models::PromptEmbeddings TextEmbeddingCache::load(const std::string& caption) const {
  const io::SafetensorsFile file = openEntry(pathOf(caption));
  models::PromptEmbeddings out{io::tensorView(file, *file.find("hidden")).clone(), {}};
  if (const io::TensorInfo* pooled = file.find("pooled")) out.pooled = io::tensorView(file, *pooled).clone();
  return out;
}

TextFillStats TextEmbeddingCache::fill(const std::vector<std::string>& captions, int batchSize,
                                       const std::function<void(std::size_t, std::size_t)>& progress) {
  TextFillStats stats;
  std::vector<std::string> missing, missingPaths;
  std::set<std::string> seen;
  for (const std::string& caption : captions) {
    const std::string path = pathOf(caption);
    if (!seen.insert(path).second) continue;
    if (reusableCacheEntry(path, [&] { openEntry(path); })) {
      ++stats.reused;
    } else {
      missing.push_back(caption);
      missingPaths.push_back(path);
    }
  }
  fs::create_directories(directory_);
  torch::NoGradGuard noGrad;
  for (std::size_t begin = 0; begin < missing.size(); begin += static_cast<std::size_t>(batchSize)) {
    const std::size_t end = std::min(missing.size(), begin + static_cast<std::size_t>(batchSize));
    const std::vector<std::string> texts(missing.begin() + static_cast<std::ptrdiff_t>(begin),
                                         missing.begin() + static_cast<std::ptrdiff_t>(end));
    const models::PromptEmbeddings e = models::encodePrompts(model_, texts);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      std::map<std::string, at::Tensor> tensors{{"hidden", e.hidden[static_cast<int64_t>(i)].cpu()}};
      if (e.pooled.defined()) tensors["pooled"] = e.pooled[static_cast<int64_t>(i)].cpu();
      io::saveTensors(missingPaths[begin + i], tensors);
    }
    stats.encoded += texts.size();
    if (progress) progress(stats.reused + stats.encoded, seen.size());
  }
  return stats;
}

}  // namespace sds::data
