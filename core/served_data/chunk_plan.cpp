#include "served_data/chunk_plan.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "data/captions.h"
#include "data/random.h"
#include "swarm/crypto.h"

namespace sds::served {

ChunkPlan planChunks(const data::Dataset& dataset, std::size_t chunkSize) {
  if (chunkSize == 0) throw std::invalid_argument("the chunk size must be at least 1");
  if (dataset.samples.empty()) throw std::invalid_argument(dataset.root + " holds no usable image to serve");
  std::vector<std::size_t> order(dataset.samples.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return dataset.samples[a].image.displayName() < dataset.samples[b].image.displayName();
  });
  ChunkPlan plan;
  std::string described;
  for (std::size_t i = 0; i < order.size(); i += chunkSize)
    plan.chunks.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(i),
                             order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), i + chunkSize)));
  described = std::to_string(chunkSize) + "\n";
  for (std::size_t i : order) {
    const data::Sample& s = dataset.samples[i];
    described += s.image.displayName() + "\n" + std::to_string(s.contentHash) + "\n" + servedCaption(dataset, s) + "\n";
  }
  plan.fingerprint = swarm::toHex(swarm::hash32({"sds-data/v1/dataset", described}));
  return plan;
}

std::string servedCaption(const data::Dataset& dataset, const data::Sample& sample) {
  data::CaptionOptions options;
  options.prefix = dataset.concepts.at(sample.concept).captionPrefix;
  data::Rng unused = data::Rng::derive(0, 0);  // no dropout or shuffling: the rng is not drawn from
  return data::transformCaption(sample.caption, options, unused);
}

}  // namespace sds::served
