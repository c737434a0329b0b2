#pragma once
// Batches as tensors, made ahead of the training step on background threads: images decoded, resized
// and cropped (or their cached latents read), stacked, with SDXL's size conditioning. A bounded queue
// keeps at most `prefetch` batches in memory; batches come out in plan order whatever the threads'
// timing, so training is reproducible.

#include <ATen/core/Tensor.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/batch_share.h"
#include "data/epoch_plan.h"

namespace sds::data {

class ImageReader;
class LatentCache;

struct TrainingBatch {
  PlannedBatch entries;
  at::Tensor pixels;                   // [B, 3, H, W] float32 in [-1, 1]; undefined with cached latents
  at::Tensor latentMean, latentLogvar; // [B, C, H/8, W/8] float32; with cached latents only
  at::Tensor timeIds;                  // [B, 6] float32: original height, width, crop top, left, target height, width
  std::vector<std::string> captions;
  BatchShare share;  // which rows of the global batch these are (set by the stream; all of it by default)
};

struct LoaderOptions {
  int workers = 2;
  int prefetch = 4;
  bool pinMemory = false;  // page-locked host tensors for asynchronous copies to a GPU
};

class BatchLoader {
 public:
  // `reader` (and `cache`, when latents are cached) must outlive the loader.
  BatchLoader(const Dataset& dataset, std::vector<PlannedBatch> plan, ImageReader& reader, const LatentCache* cache,
              const LoaderOptions& options);
  ~BatchLoader();  // stops the threads, dropping batches not taken
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // The next batch in plan order, nullopt after the last. A worker's failure (a file that vanished or
  // no longer decodes) is rethrown here, naming the file.
  std::optional<TrainingBatch> next();
  std::size_t size() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sds::data
