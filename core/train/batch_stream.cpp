#include "train/batch_stream.h"

#include <algorithm>
#include <set>

#include "data/epoch_datasets.h"
#include "train/data/latent_cache.h"
#include "train/data/text_embedding_cache.h"
#include "util/log.h"

namespace sds::train {

std::vector<data::LatentRequest> latentRequests(const data::Dataset& dataset,
                                                const std::vector<data::PlannedBatch>& batches) {
  std::vector<data::LatentRequest> requests;
  std::set<std::string> seen;
  for (const data::PlannedBatch& batch : batches)
    for (const data::PlannedSample& s : batch) {
      const data::Sample& sample = dataset.samples.at(s.sample);
      data::LatentRequest r{sample.image, {sample.contentHash, s.bucket, s.crop, s.flip}};
      if (seen.insert(r.key.fileName()).second) requests.push_back(std::move(r));
    }
  return requests;
}

BatchStream::BatchStream(const data::Dataset& dataset, data::PlanOptions plan, data::LoaderOptions loader,
                         data::ImageReader& reader, data::LatentCache* latents, data::TextEmbeddingCache* texts,
                         BatchStreamHooks hooks)
    : dataset_(dataset),
      plan_(std::move(plan)),
      loaderOptions_(loader),
      reader_(reader),
      latents_(latents),
      texts_(texts),
      hooks_(std::move(hooks)) {}

BatchStream::~BatchStream() = default;

void BatchStream::shard(int rank, int ranks) {
  rank_ = rank;
  ranks_ = ranks;
}

void BatchStream::seek(std::int64_t epoch, std::int64_t batch) {
  loader_.reset();
  epoch_ = epoch;
  batch_ = batch;
}

std::vector<data::PlannedBatch> BatchStream::planOf(std::int64_t epoch) {
  current_ = feed_ ? &feed_->datasetFor(epoch) : &dataset_;
  std::vector<data::PlannedBatch> plan = data::planEpoch(*current_, plan_, static_cast<std::uint64_t>(epoch));
  planSize_ = plan.size();
  return plan;
}

void BatchStream::startEpoch() {
  std::vector<data::PlannedBatch> plan = planOf(epoch_);
  if (static_cast<std::size_t>(batch_) >= plan.size()) {  // resumed exactly at an epoch's end
    if (feed_) feed_->epochDone(epoch_);
    ++epoch_;
    batch_ = 0;
    plan = planOf(epoch_);
  }
  plan.erase(plan.begin(), plan.begin() + batch_);
  shares_.clear();
  for (data::PlannedBatch& b : plan) {
    const data::BatchShare share = data::shareOf(static_cast<std::int64_t>(b.size()), rank_, ranks_);
    if (ranks_ > 1) b = data::PlannedBatch(b.begin() + share.begin, b.begin() + share.begin + share.rows);
    shares_.push_back(share);
  }

  // The first fill is announced (it may encode the whole dataset); later epochs only encode the crops and
  // flips not seen yet, which is logged.
  const bool announce = !filledOnce_;
  const int encodeBatch = static_cast<int>(std::max<std::size_t>(1, plan_.batchSize / ranks_));  // this rank's rows
  filledOnce_ = true;
  auto progress = [&](const char* what) {
    return [this, announce, what](std::size_t done, std::size_t total) {
      if (announce && hooks_.caching) hooks_.caching(what, done, total);
    };
  };
  if (latents_) {
    data::LatentFillCallbacks callbacks;
    callbacks.progress = progress("latents");
    const data::LatentFillStats stats = latents_->fill(latentRequests(*current_, plan), reader_,
                                                       encodeBatch, loaderOptions_.workers,
                                                       callbacks);
    if (!announce && stats.encoded > 0)
      log::info("epoch " + std::to_string(epoch_ + 1) + ": cached " + std::to_string(stats.encoded) +
                " new latents (" + (feed_ ? "the epoch's chunk" : "new crops or flips") + ")");
  }
  if (texts_) {
    std::vector<std::string> captions;
    for (const data::PlannedBatch& b : plan)
      for (const data::PlannedSample& s : b) captions.push_back(s.caption);
    texts_->fill(captions, encodeBatch, progress("text embeddings"));
  }
  if (announce && (latents_ || texts_) && hooks_.cached) hooks_.cached();
  loader_ = std::make_unique<data::BatchLoader>(*current_, std::move(plan), reader_, latents_, loaderOptions_);
}

data::TrainingBatch BatchStream::next() {
  for (;;) {
    if (!loader_) startEpoch();
    if (std::optional<data::TrainingBatch> batch = loader_->next()) {
      ++batch_;
      batch->share = shares_.front();
      shares_.pop_front();
      return std::move(*batch);
    }
    loader_.reset();
    if (feed_) feed_->epochDone(epoch_);
    ++epoch_;
    batch_ = 0;
  }
}

}  // namespace sds::train
