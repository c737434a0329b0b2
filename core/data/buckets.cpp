#include "data/buckets.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "image/crop.h"
#include "image/resize.h"

namespace sds::data {

std::vector<Bucket> makeBuckets(const BucketOptions& o) {
  if (o.step <= 0 || o.resolution < o.step || o.minSide > o.maxSide)
    throw std::invalid_argument("buckets: resolution " + std::to_string(o.resolution) + " with sides " +
                                std::to_string(o.minSide) + "–" + std::to_string(o.maxSide) + " allows no bucket");
  const long long area = static_cast<long long>(o.resolution) * o.resolution;
  const int lo = (o.minSide + o.step - 1) / o.step * o.step;
  const int hi = o.maxSide / o.step * o.step;
  std::vector<Bucket> buckets;
  for (int w = lo; w <= hi; w += o.step) {
    // The tallest height that fits the area, then kept only if the width could not grow either.
    int h = static_cast<int>(std::min<long long>(area / w, hi)) / o.step * o.step;
    if (h < lo) continue;
    const bool wider = w + o.step <= hi && static_cast<long long>(w + o.step) * h <= area;
    if (!wider) buckets.push_back({w, h});
  }
  const int square = std::min(o.resolution / o.step * o.step, hi);
  if (square >= lo && std::none_of(buckets.begin(), buckets.end(), [&](const Bucket& b) { return b.width == b.height; }))
    buckets.push_back({square, square});
  if (buckets.empty())
    throw std::invalid_argument("buckets: no size with sides between " + std::to_string(o.minSide) + " and " +
                                std::to_string(o.maxSide) + " holds at most " + std::to_string(o.resolution) + "² pixels");
  std::sort(buckets.begin(), buckets.end(), [](const Bucket& a, const Bucket& b) {
    return a.aspect() != b.aspect() ? a.aspect() < b.aspect() : a.width * a.height > b.width * b.height;
  });
  buckets.erase(std::unique(buckets.begin(), buckets.end(),
                            [](const Bucket& a, const Bucket& b) { return a.aspect() == b.aspect(); }),
                buckets.end());
  return buckets;
}

std::size_t closestBucket(const std::vector<Bucket>& buckets, int width, int height) {
  if (buckets.empty() || width <= 0 || height <= 0) throw std::invalid_argument("closestBucket: no bucket or empty image");
  const double target = std::log(static_cast<double>(width) / height);
  std::size_t best = 0;
  double bestDistance = INFINITY;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const double distance = std::abs(std::log(buckets[i].aspect()) - target);
    const bool larger = buckets[i].width * buckets[i].height > buckets[best].width * buckets[best].height;
    if (distance < bestDistance - 1e-12 || (std::abs(distance - bestDistance) <= 1e-12 && larger)) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}

CropPlan planCrop(int width, int height, const Bucket& bucket, bool random, Rng& rng) {
  if (width <= 0 || height <= 0) throw std::invalid_argument("planCrop: empty image");
  const image::Size cover = image::coverSize(width, height, bucket.width, bucket.height);
  CropPlan plan;
  plan.resizedWidth = cover.width;
  plan.resizedHeight = cover.height;
  const image::CropRect rect =
      random ? image::randomCrop(cover.width, cover.height, bucket.width, bucket.height, rng.next())
             : image::centerCrop(cover.width, cover.height, bucket.width, bucket.height);
  plan.cropLeft = rect.x;
  plan.cropTop = rect.y;
  return plan;
}

std::vector<std::vector<std::size_t>> makeBatches(const std::vector<std::size_t>& bucketOfSample, std::size_t batchSize,
                                                  std::uint64_t seed, bool dropLast) {
  if (batchSize == 0) throw std::invalid_argument("makeBatches: batch size 0");
  std::map<std::size_t, std::vector<std::size_t>> byBucket;
  for (std::size_t i = 0; i < bucketOfSample.size(); ++i) byBucket[bucketOfSample[i]].push_back(i);
  Rng rng(seed);
  std::vector<std::vector<std::size_t>> batches;
  for (auto& [bucket, samples] : byBucket) {
    rng.shuffle(samples);
    for (std::size_t begin = 0; begin < samples.size(); begin += batchSize) {
      const std::size_t end = std::min(samples.size(), begin + batchSize);
      if (dropLast && end - begin < batchSize) break;
      batches.emplace_back(samples.begin() + static_cast<std::ptrdiff_t>(begin),
                           samples.begin() + static_cast<std::ptrdiff_t>(end));
    }
  }
  rng.shuffle(batches);
  return batches;
}

}  // namespace sds::data
