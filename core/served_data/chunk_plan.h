#pragma once
// A scanned dataset cut into the chunks the server leases: samples in name order, `chunkSize` to a
// chunk (the last one shorter), and a fingerprint of the whole that tells the server's state file
// which dataset it counts.

#include <cstddef>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace sds::served {

struct ChunkPlan {
  std::vector<std::vector<std::size_t>> chunks;  // indices into the dataset's samples
  std::string fingerprint;                        // hex; changes with any sample's name, bytes or caption
};

// Throws std::invalid_argument when the dataset has no samples or chunkSize is 0.
ChunkPlan planChunks(const data::Dataset& dataset, std::size_t chunkSize);

// The caption a peer trains on: the concept's prefix put first as the trainer does (captions.h).
std::string servedCaption(const data::Dataset& dataset, const data::Sample& sample);

}  // namespace sds::served
