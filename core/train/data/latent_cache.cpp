#include "train/data/latent_cache.h"

#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "data/cache_entry.h"
#include "train/data/model_identity.h"
#include "data/sources.h"
#include "train/data/training_pixels.h"
#include "io/safetensors.h"
#include "models/io/torch_tensors.h"

namespace sds::data {
namespace fs = std::filesystem;

std::string LatentKey::fileName() const {
  char name[160];
  std::snprintf(name, sizeof name, "%016llx_%dx%d_%dx%d+%d+%d%s.safetensors",
                static_cast<unsigned long long>(contentHash), bucket.width, bucket.height, crop.resizedWidth,
                crop.resizedHeight, crop.cropLeft, crop.cropTop, flip ? "_flip" : "");
  return name;
}

LatentCache::LatentCache(const std::string& folder, models::AutoencoderKlImpl& vae)
    : directory_((fs::path(folder) / weightsFingerprint(vae)).string()), vae_(vae) {}

std::string LatentCache::pathOf(const LatentKey& key) const { return (fs::path(directory_) / key.fileName()).string(); }

io::SafetensorsFile LatentCache::openEntry(const LatentKey& key) const {
  const std::string path = pathOf(key);
  io::SafetensorsFile file = io::SafetensorsFile::open(path);
  const io::TensorInfo* mean = file.find("mean");
  const io::TensorInfo* logvar = file.find("logvar");
  const int f = vae_.config.scaleFactor();
  const std::vector<int64_t> shape{vae_.config.latentChannels, key.bucket.height / f, key.bucket.width / f};
  if (!mean || !logvar || mean->shape != shape || logvar->shape != shape)
    throw std::runtime_error(path + ": not a latent cache entry of this bucket (expected mean and logvar of shape " +
                             std::to_string(shape[0]) + "×" + std::to_string(shape[1]) + "×" + std::to_string(shape[2]) + ")");
  return file;
}

models::LatentDistribution LatentCache::load(const LatentKey& key) const {
  const io::SafetensorsFile file = openEntry(key);
  return {io::tensorView(file, *file.find("mean")).to(torch::kFloat32),
          io::tensorView(file, *file.find("logvar")).to(torch::kFloat32)};
}

void LatentCache::store(const LatentKey& key, const models::LatentDistribution& latents) const {
  fs::create_directories(directory_);
  io::saveTensors(pathOf(key), {{"mean", latents.mean.to(torch::kFloat32)}, {"logvar", latents.logvar.to(torch::kFloat32)}});
}

LatentFillStats LatentCache::fill(const std::vector<LatentRequest>& requests, ImageReader& reader, int batchSize,
                                  int workers, const LatentFillCallbacks& callbacks) {
  LatentFillStats stats;
  std::map<std::pair<int, int>, std::vector<const LatentRequest*>> missingByBucket;
  std::map<std::string, bool> seen;  // the same key twice (repeated samples) is encoded once
  for (const LatentRequest& r : requests) {
    if (!seen.emplace(r.key.fileName(), true).second) continue;
    if (reusableCacheEntry(pathOf(r.key), [&] { openEntry(r.key); }))
      ++stats.reused;
    else
      missingByBucket[{r.key.bucket.width, r.key.bucket.height}].push_back(&r);
  }
  const std::size_t total = seen.size();
  if (callbacks.progress) callbacks.progress(stats.reused, total);

  const auto& weight = vae_.encoder->conv_in->weight;
  torch::NoGradGuard noGrad;
  for (const auto& bucket : missingByBucket) {
    const auto& missing = bucket.second;  // a named reference: lambdas may not capture structured bindings in C++17
    for (std::size_t begin = 0; begin < missing.size(); begin += static_cast<std::size_t>(batchSize)) {
      if (callbacks.cancel && callbacks.cancel->load()) throw ScanCancelled();
      const std::size_t end = std::min(missing.size(), begin + static_cast<std::size_t>(batchSize));
      std::vector<at::Tensor> pixels(end - begin);
      detail::parallelFor(end - begin, workers, [&](std::size_t i) {
        const LatentRequest& r = *missing[begin + i];
        pixels[i] = trainingPixels(reader, r.image, r.key.bucket, r.key.crop, r.key.flip);
      });
      const at::Tensor batch = torch::stack(pixels).to(weight.device(), weight.scalar_type());
      const models::LatentDistribution latents = vae_.encode(batch);
      for (std::size_t i = 0; i < pixels.size(); ++i)
        store(missing[begin + i]->key, {latents.mean[static_cast<int64_t>(i)].cpu(), latents.logvar[static_cast<int64_t>(i)].cpu()});
      stats.encoded += pixels.size();
      if (callbacks.progress) callbacks.progress(stats.reused + stats.encoded, total);
    }
  }
  return stats;
}

}  // namespace sds::data
