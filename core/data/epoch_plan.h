#pragma once
// What one epoch trains on, in order: every sample repeated as its concept says, put in its bucket,
// cropped, maybe mirrored, its caption transformed, and grouped into single-bucket batches. The plan
// depends only on the dataset, the options, the seed and the epoch number, so a resumed run continues
// with exactly the batches it would have seen. Torch-free.

#include <cstdint>
#include <string>
#include <vector>

#include "data/buckets.h"
#include "data/captions.h"
#include "data/dataset.h"

namespace sds::data {

struct PlanOptions {
  BucketOptions buckets;
  bool useBuckets = true;  // false: every image trains at resolution × resolution
  bool randomCrop = false;
  bool flip = false;       // mirror each sample with probability ½
  bool shuffleTags = false;
  int keepTags = 0;
  double captionDropout = 0.0;
  std::size_t batchSize = 1;
  bool dropLast = false;
  std::uint64_t seed = 0;
};

struct PlannedSample {
  std::size_t sample = 0;  // index into Dataset::samples
  Bucket bucket;
  CropPlan crop;
  bool flip = false;
  std::string caption;     // transformed, with the concept's prefix
};

using PlannedBatch = std::vector<PlannedSample>;

// The buckets the options allow (a single square one without bucketing).
std::vector<Bucket> planBuckets(const PlanOptions& options);

// Epoch `epoch` (0-based). Throws std::invalid_argument for options with no bucket.
std::vector<PlannedBatch> planEpoch(const Dataset& dataset, const PlanOptions& options, std::uint64_t epoch);

}  // namespace sds::data
