#pragma once
// A project's dataset settings as the scan and the buckets take them, and the bucket histogram of a
// scanned dataset. Shared by `sdtrain dataset check` and the studio's Dataset page, so both show the
// same numbers the trainer will use. Torch-free.

#include <string>
#include <vector>

#include "data/buckets.h"
#include "data/dataset.h"

namespace sds::config {
class Project;
}

namespace sds::data {

struct DatasetSettings {
  DatasetOptions dataset;
  BucketOptions buckets;
  bool useBuckets = true;
};

// The [dataset] and [resolution] settings; a relative dataset.path is taken relative to
// projectFolder. The demo's generated "shapes" dataset reads as the folder it is once made.
DatasetSettings datasetSettings(const config::Project& project, const std::string& projectFolder);

struct BucketCount {
  Bucket bucket;
  std::size_t count = 0;
};

// Usable images per bucket (only buckets that hold some), in bucket order.
std::vector<BucketCount> bucketHistogram(const Dataset& dataset, const DatasetSettings& settings);

}  // namespace sds::data
