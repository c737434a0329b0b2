#pragma once
// What the trainer says when the GPU runs out of memory: what it was doing when it happened, and the
// advice that fits that phase (the model not fitting at all, the VAE's caching, the samples, the step).

#include <cstdint>
#include <string>

namespace sds::train {

struct OutOfMemoryReport {
  std::string message;
  std::string hint;
};

// phase: the trainer's last state (docs/protocol.md: loading, caching, sampling, training, …); step:
// the optimizer steps done; batchSize and resolution: the training's.
OutOfMemoryReport describeOutOfMemory(const std::string& phase, std::int64_t step, int batchSize, int resolution);

}  // namespace sds::train
