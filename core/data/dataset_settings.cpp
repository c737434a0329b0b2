#include "data/dataset_settings.h"

#include <algorithm>
#include <filesystem>

#include "config/project.h"
#include "data/epoch_datasets.h"

namespace sds::data {

DatasetSettings datasetSettings(const config::Project& p, const std::string& projectFolder) {
  DatasetSettings s;
  std::filesystem::path path = p.getString("dataset.path");
  if (!path.empty() && path.is_relative() && !isServedDatasetUrl(path.string())) path = std::filesystem::path(projectFolder) / path;
  s.dataset.path = path.empty() || isServedDatasetUrl(path.string()) ? path.string() : path.lexically_normal().string();
  s.dataset.kind = p.getString("dataset.kind");
  if (s.dataset.kind == "shapes") s.dataset.kind = "folder";
  s.dataset.captionExtension = p.getString("dataset.caption_extension");
  s.dataset.defaultCaption = p.getString("dataset.default_caption");
  s.dataset.repeats = static_cast<int>(p.getInt("dataset.repeats"));
  s.dataset.minImageSize = static_cast<int>(p.getInt("dataset.min_image_size"));
  s.dataset.filters = p.getList("dataset.filters");
  s.dataset.workers = static_cast<int>(p.getInt("dataset.workers"));
  s.buckets.resolution = static_cast<int>(p.getInt("resolution.size"));
  s.buckets.minSide = static_cast<int>(p.getInt("resolution.min_bucket_side"));
  s.buckets.maxSide = static_cast<int>(p.getInt("resolution.max_bucket_side"));
  s.useBuckets = p.getBool("resolution.buckets");
  return s;
}

std::vector<BucketCount> bucketHistogram(const Dataset& d, const DatasetSettings& s) {
  const std::vector<Bucket> buckets =
      s.useBuckets ? makeBuckets(s.buckets) : std::vector<Bucket>{{s.buckets.resolution, s.buckets.resolution}};
  std::vector<BucketCount> histogram;
  for (const Bucket& b : buckets) histogram.push_back({b, 0});
  for (const Sample& sample : d.samples) ++histogram[closestBucket(buckets, sample.width, sample.height)].count;
  histogram.erase(std::remove_if(histogram.begin(), histogram.end(), [](const BucketCount& b) { return b.count == 0; }),
                  histogram.end());
  return histogram;
}

}  // namespace sds::data
