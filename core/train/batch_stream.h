#pragma once
// Training batches without end: epoch after epoch of the deterministic epoch plan, each epoch's
// latents (and text embeddings) cached before its batches load. A position (epoch, batch) is all a
// resumed run needs to continue with exactly the batches the interrupted one would have seen.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "train/data/batch_loader.h"
#include "data/epoch_plan.h"

namespace sds::data {
class EpochDatasets;
class ImageReader;
class LatentCache;
struct LatentRequest;
class TextEmbeddingCache;
}  // namespace sds::data

namespace sds::train {

struct BatchStreamHooks {
  // Before and while caches are filled: what is being cached, done, total.
  std::function<void(const std::string& what, std::size_t done, std::size_t total)> caching;
  // Called when caching ends and batches flow again.
  std::function<void()> cached;
};

class BatchStream {
 public:
  // The dataset, reader and caches (either may be null) must outlive the stream.
  BatchStream(const data::Dataset& dataset, data::PlanOptions plan, data::LoaderOptions loader, data::ImageReader& reader,
              data::LatentCache* latents, data::TextEmbeddingCache* texts, BatchStreamHooks hooks);
  ~BatchStream();

  // Data-parallel training: this stream gives rank `rank` of `ranks` its rows of each planned batch
  // (the plan's batch size is the global one). Call before the first batch.
  void shard(int rank, int ranks);

  // Each epoch's samples from `feed` (a served dataset) instead of the dataset given above; the feed
  // must outlive the stream. Call before the first batch.
  void feedFrom(data::EpochDatasets* feed) { feed_ = feed; }

  // Continues from batch `batch` of epoch `epoch`.
  void seek(std::int64_t epoch, std::int64_t batch);
  // The next batch, moving on to the next epoch after the last one. Rethrows the loader's errors.
  data::TrainingBatch next();

  // Where the next batch comes from.
  std::int64_t epoch() const { return epoch_; }
  std::int64_t batchInEpoch() const { return batch_; }
  // Batches in the current epoch.
  std::size_t epochBatches() const { return planSize_; }
  // The samples the current epoch is planned from (the feed's chunk, or the dataset).
  const data::Dataset& currentDataset() const { return *current_; }

 private:
  void startEpoch();
  std::vector<data::PlannedBatch> planOf(std::int64_t epoch);

  const data::Dataset& dataset_;
  const data::Dataset* current_ = &dataset_;
  data::EpochDatasets* feed_ = nullptr;
  data::PlanOptions plan_;
  data::LoaderOptions loaderOptions_;
  data::ImageReader& reader_;
  data::LatentCache* latents_;
  data::TextEmbeddingCache* texts_;
  BatchStreamHooks hooks_;
  std::unique_ptr<data::BatchLoader> loader_;
  std::deque<data::BatchShare> shares_;  // of the batches the loader has yet to give
  int rank_ = 0, ranks_ = 1;
  std::int64_t epoch_ = 0, batch_ = 0;
  std::size_t planSize_ = 0;
  bool filledOnce_ = false;
};

// The latent-cache requests of planned batches, each distinct entry once.
std::vector<data::LatentRequest> latentRequests(const data::Dataset& dataset,
                                                const std::vector<data::PlannedBatch>& batches);

}  // namespace sds::train
