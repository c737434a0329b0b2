#pragma once
// Caption transforms applied each time a sample is used: a concept's prefix, tag shuffling with the
// first tags kept in place, and caption dropout (training on the empty caption, which classifier-free
// guidance needs).

#include <string>
#include <string_view>
#include <vector>

#include "data/random.h"

namespace sds::data {

struct CaptionOptions {
  std::string prefix;       // the concept's prefix, put before the caption's tags and never shuffled
  bool shuffleTags = false;
  int keepTags = 0;         // leading tags that stay in place when shuffling
  double dropout = 0.0;     // probability of returning ""
};

// Comma-separated tags, each trimmed; empty tags dropped.
std::vector<std::string> splitTags(std::string_view caption);

// The caption as the text encoder sees it this time; `rng` drives dropout and shuffling (it is not
// touched when neither is on, so turning them off does not change other random choices).
std::string transformCaption(std::string_view caption, const CaptionOptions& options, Rng& rng);

}  // namespace sds::data
