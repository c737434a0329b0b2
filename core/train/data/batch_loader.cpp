#include "train/data/batch_loader.h"

#include <torch/torch.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "train/data/latent_cache.h"
#include "train/data/training_pixels.h"

namespace sds::data {

struct BatchLoader::State {
  const Dataset& dataset;
  std::vector<PlannedBatch> plan;
  ImageReader& reader;
  const LatentCache* cache;
  LoaderOptions options;

  std::mutex mutex;
  std::condition_variable workAvailable, batchReady;
  std::vector<std::optional<TrainingBatch>> ready;
  std::vector<std::exception_ptr> errors;
  std::size_t nextToMake = 0, consumed = 0;
  bool stopping = false;
  std::vector<std::thread> threads;

  State(const Dataset& d, std::vector<PlannedBatch> p, ImageReader& r, const LatentCache* c, const LoaderOptions& o)
      : dataset(d), plan(std::move(p)), reader(r), cache(c), options(o), ready(plan.size()), errors(plan.size()) {}

  TrainingBatch make(std::size_t index) const {
    TrainingBatch batch;
    batch.entries = plan[index];
    batch.share = wholeBatch(static_cast<std::int64_t>(batch.entries.size()));
    std::vector<at::Tensor> images, means, logvars;
    std::vector<float> timeIds;
    for (const PlannedSample& p : batch.entries) {
      const Sample& s = dataset.samples.at(p.sample);
      if (cache) {
        const models::LatentDistribution latents = cache->load({s.contentHash, p.bucket, p.crop, p.flip});
        means.push_back(latents.mean);
        logvars.push_back(latents.logvar);
      } else {
        images.push_back(trainingPixels(reader, s.image, p.bucket, p.crop, p.flip));
      }
      for (const int v : {s.height, s.width, p.crop.cropTop, p.crop.cropLeft, p.bucket.height, p.bucket.width})
        timeIds.push_back(static_cast<float>(v));
      batch.captions.push_back(p.caption);
    }
    const bool pin = options.pinMemory && torch::cuda::is_available();
    auto finish = [&](at::Tensor t) { return pin ? t.pin_memory() : t; };
    if (cache) {
      batch.latentMean = finish(torch::stack(means));
      batch.latentLogvar = finish(torch::stack(logvars));
    } else {
      batch.pixels = finish(torch::stack(images));
    }
    batch.timeIds = finish(torch::tensor(timeIds).view({static_cast<int64_t>(batch.entries.size()), 6}));
    return batch;
  }

  void work() {
    for (;;) {
      std::size_t index;
      {
        std::unique_lock<std::mutex> lock(mutex);
        workAvailable.wait(lock, [&] {
          return stopping || nextToMake >= plan.size() ||
                 nextToMake < consumed + static_cast<std::size_t>(std::max(options.prefetch, 1));
        });
        if (stopping || nextToMake >= plan.size()) return;
        index = nextToMake++;
      }
      std::optional<TrainingBatch> batch;
      std::exception_ptr error;
      try {
        batch = make(index);
      } catch (...) {
        error = std::current_exception();
      }
      const std::lock_guard<std::mutex> lock(mutex);
      ready[index] = std::move(batch);
      errors[index] = error;
      batchReady.notify_all();
    }
  }
};

BatchLoader::BatchLoader(const Dataset& dataset, std::vector<PlannedBatch> plan, ImageReader& reader,
                         const LatentCache* cache, const LoaderOptions& options)
    : state_(std::make_unique<State>(dataset, std::move(plan), reader, cache, options)) {
  for (int i = 0; i < std::max(options.workers, 1); ++i) state_->threads.emplace_back([this] { state_->work(); });
}

BatchLoader::~BatchLoader() {
  {
    const std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stopping = true;
  }
  state_->workAvailable.notify_all();
  for (std::thread& t : state_->threads) t.join();
}

std::size_t BatchLoader::size() const { return state_->plan.size(); }

std::optional<TrainingBatch> BatchLoader::next() {
  State& s = *state_;
  std::unique_lock<std::mutex> lock(s.mutex);
  if (s.consumed >= s.plan.size()) return std::nullopt;
  const std::size_t index = s.consumed;
  s.batchReady.wait(lock, [&] { return s.ready[index].has_value() || s.errors[index]; });
  ++s.consumed;
  s.workAvailable.notify_all();
  if (s.errors[index]) std::rethrow_exception(s.errors[index]);
  std::optional<TrainingBatch> batch = std::move(s.ready[index]);
  s.ready[index].reset();
  return batch;
}

}  // namespace sds::data
