#include "data/epoch_plan.h"

namespace sds::data {

std::vector<Bucket> planBuckets(const PlanOptions& o) {
  if (o.useBuckets) return makeBuckets(o.buckets);
  const int side = o.buckets.resolution / o.buckets.step * o.buckets.step;
  return {{side, side}};
}

std::vector<PlannedBatch> planEpoch(const Dataset& dataset, const PlanOptions& o, std::uint64_t epoch) {
  const std::vector<Bucket> buckets = planBuckets(o);
  // Repeats expand the epoch; each repetition is its own entry with its own crop, flip and caption.
  std::vector<std::size_t> sampleOf, bucketOf;
  for (std::size_t i = 0; i < dataset.samples.size(); ++i) {
    const Sample& s = dataset.samples[i];
    const std::size_t bucket = closestBucket(buckets, s.width, s.height);
    for (int r = 0; r < dataset.concepts.at(s.concept).repeats; ++r) {
      sampleOf.push_back(i);
      bucketOf.push_back(bucket);
    }
  }
  const std::uint64_t epochSeed = Rng::derive(o.seed, epoch).next();
  const std::vector<std::vector<std::size_t>> order = makeBatches(bucketOf, o.batchSize, epochSeed, o.dropLast);

  std::vector<PlannedBatch> batches;
  batches.reserve(order.size());
  for (const auto& entries : order) {
    PlannedBatch batch;
    for (const std::size_t entry : entries) {
      // Every entry draws from its own stream, so one entry's choices never shift another's.
      Rng rng = Rng::derive(epochSeed, entry + 1);
      const Sample& s = dataset.samples[sampleOf[entry]];
      PlannedSample p;
      p.sample = sampleOf[entry];
      p.bucket = buckets[bucketOf[entry]];
      p.crop = planCrop(s.width, s.height, p.bucket, o.randomCrop, rng);
      p.flip = o.flip && rng.chance(0.5);
      CaptionOptions c;
      c.prefix = dataset.concepts.at(s.concept).captionPrefix;
      c.shuffleTags = o.shuffleTags;
      c.keepTags = o.keepTags;
      c.dropout = o.captionDropout;
      p.caption = transformCaption(s.caption, c, rng);
      batch.push_back(std::move(p));
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

}  // namespace sds::data
