#pragma once
// Process-wide GPU settings for training: float32 matrix products and convolutions may use TF32
// tensor cores (fp32 training on Ampere and later). cuDNN's autotuning — timing every convolution
// algorithm for each new shape — is off unless asked for: on an H200 it changed no figure beyond
// noise (docs/performance.md) but cost 8 to 25 s for every new batch shape, and a bucketed dataset
// has one shape per bucket and per short last batch.

#include <c10/core/Device.h>

namespace sds::runtime {

// Does nothing for the CPU.
void applyGpuTrainingSettings(const c10::Device& device, bool autotuneConvolutions = false);

}  // namespace sds::runtime
