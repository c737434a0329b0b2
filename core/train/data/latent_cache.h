#pragma once
// VAE latents cached on disk, once per (image content, bucket, crop, flip, VAE): the training step then
// runs the UNet only. The encoder's mean and log-variance are kept, so every epoch can draw a fresh
// latent sample as training without the cache would.
//
// Layout: <folder>/<VAE fingerprint>/<content hash>_<bucket>_<crop>_<flip>.safetensors, each written
// atomically. A changed image has another content hash, another VAE another folder, other bucket or
// crop settings another name: nothing stale is ever read. A damaged cache file is encoded again.

#include <ATen/core/Tensor.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/buckets.h"
#include "data/dataset.h"
#include "io/safetensors.h"
#include "models/autoencoder_kl.h"

namespace sds::data {

class ImageReader;

struct LatentKey {
  std::uint64_t contentHash = 0;
  Bucket bucket;
  CropPlan crop;
  bool flip = false;
  std::string fileName() const;
};

// One image to have latents for.
struct LatentRequest {
  ImageRef image;
  LatentKey key;
};

struct LatentFillStats {
  std::size_t reused = 0, encoded = 0;
};

struct LatentFillCallbacks {
  std::function<void(std::size_t done, std::size_t total)> progress;
  const std::atomic<bool>* cancel = nullptr;  // checked between batches; throws ScanCancelled
};

class LatentCache {
 public:
  // `vae` stays owned by the caller and must outlive the cache; it runs on its own device and dtype.
  LatentCache(const std::string& folder, models::AutoencoderKlImpl& vae);

  const std::string& directory() const { return directory_; }
  std::string pathOf(const LatentKey& key) const;

  // Throws std::runtime_error naming the file when it is missing or damaged.
  models::LatentDistribution load(const LatentKey& key) const;
  void store(const LatentKey& key, const models::LatentDistribution& latents) const;

  // Encodes every request not cached yet, in batches of `batchSize` images of one bucket; images are
  // decoded on `workers` threads. Returns how many were reused and encoded.
  LatentFillStats fill(const std::vector<LatentRequest>& requests, ImageReader& reader, int batchSize, int workers,
                       const LatentFillCallbacks& callbacks = {});

 private:
  // The entry's file with its header checked (names, shapes, byte ranges), no data read.
  io::SafetensorsFile openEntry(const LatentKey& key) const;

  std::string directory_;
  models::AutoencoderKlImpl& vae_;
};

}  // namespace sds::data
