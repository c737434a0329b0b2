#pragma once
// A chunk as it travels to a peer: a WebDataset tar shard (image and caption per key), which the peer
// scans like any shard, so a damaged image in it is reported and skipped there like on any dataset.

#include <cstddef>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace sds::data {
class ImageReader;
}

namespace sds::served {

// The tar of `samples` (indices into the dataset), members named "c<chunk>-<n>.<ext>" and ".txt".
// Throws std::runtime_error naming an image that can no longer be read (changed since the scan).
std::string chunkArchive(const data::Dataset& dataset, const std::vector<std::size_t>& samples, std::size_t chunk,
                         data::ImageReader& reader);

}  // namespace sds::served
