#pragma once
// Aspect-ratio buckets: training sizes of about resolution² pixels with sides that are multiples of
// 64, so that images of every shape train at their own aspect ratio instead of being cropped square.
// Each image goes to the bucket closest to its aspect ratio; every batch comes from one bucket.

#include <cstdint>
#include <vector>

#include "data/random.h"

namespace sds::data {

struct Bucket {
  int width = 0, height = 0;
  double aspect() const { return static_cast<double>(width) / height; }
  bool operator==(const Bucket& o) const { return width == o.width && height == o.height; }
};

struct BucketOptions {
  int resolution = 512;  // buckets hold at most resolution² pixels
  int minSide = 256;
  int maxSide = 1024;
  int step = 64;  // every side is a multiple of this (the VAE's 8 × the UNet's 8)
};

// Every size w × h with w, h multiples of `step` in [minSide, maxSide] and w·h ≤ resolution², that is
// as large as possible for its shape (neither side can grow by a step), plus the square one; sorted by
// aspect ratio, tall to wide. Throws std::invalid_argument for options with no bucket.
std::vector<Bucket> makeBuckets(const BucketOptions& options);

// Index of the bucket whose aspect ratio is closest to width/height (in log space, so 2:1 and 1:2 are
// equally far from 1:1); ties go to the larger bucket.
std::size_t closestBucket(const std::vector<Bucket>& buckets, int width, int height);

// How an image becomes its bucket: resized (preserving aspect) to cover it, then cropped.
// SDXL conditions on the original size and on the crop's top-left corner, so both are kept.
struct CropPlan {
  int resizedWidth = 0, resizedHeight = 0;
  int cropLeft = 0, cropTop = 0;  // in the resized image
};
// `rng` is used only when `random` is set (offsets uniform over the excess).
CropPlan planCrop(int width, int height, const Bucket& bucket, bool random, Rng& rng);

// Batches of sample indices for one epoch: samples are grouped by bucket, shuffled within their bucket,
// cut into batches of `batchSize`, and the batches shuffled, all from `seed`, so an epoch's order is
// the same on every run and platform. A bucket's last partial batch is kept unless `dropLast`.
std::vector<std::vector<std::size_t>> makeBatches(const std::vector<std::size_t>& bucketOfSample, std::size_t batchSize,
                                                  std::uint64_t seed, bool dropLast = false);

}  // namespace sds::data
