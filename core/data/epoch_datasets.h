#pragma once
// A dataset that changes from epoch to epoch: a served dataset (docs/swarm.md#a-shared-dataset) gives
// each epoch the chunk this peer leased for it. The batch stream asks for an epoch's samples before
// planning it and says when the epoch's batches are all given out. Torch-free.

#include <cstdint>
#include <string>

#include "data/dataset.h"

namespace sds::data {

class EpochDatasets {
 public:
  virtual ~EpochDatasets() = default;
  // The samples of `epoch`; the same ones again when asked again for that epoch (a resumed run). The
  // reference stays valid until the next call. Throws std::runtime_error naming the source when none
  // can be had.
  virtual const Dataset& datasetFor(std::int64_t epoch) = 0;
  // Every batch of `epoch` has been given out.
  virtual void epochDone(std::int64_t epoch) = 0;
};

// Whether dataset.path names a served dataset (http://HOST:PORT) rather than files.
inline bool isServedDatasetUrl(const std::string& path) { return path.rfind("http://", 0) == 0; }

}  // namespace sds::data
