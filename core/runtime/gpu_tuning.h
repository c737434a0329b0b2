#pragma once
// Process-wide GPU settings for training: cuDNN picks the fastest convolution algorithm for each new
// shape by timing them (training repeats a few shapes, one per bucket), and float32 matrix products
// may use TF32 tensor cores (fp32 training on Ampere and later), as PyTorch's own defaults for
// convolutions already do.

#include <c10/core/Device.h>

namespace sds::runtime {

// Does nothing for the CPU.
void tuneForFixedShapes(const c10::Device& device);

}  // namespace sds::runtime
