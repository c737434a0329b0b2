#pragma once
// The global gradient norm, and clipping to a maximum norm as torch.nn.utils.clip_grad_norm_ does.

#include <ATen/core/Tensor.h>

#include <vector>

namespace sds::train {

// The norm of all gradients together (computed in float32); when maxNorm > 0 and clip is set and the
// norm is above it, scales every gradient by maxNorm / (norm + 1e-6). Returns the norm before clipping.
double clipGradientNorm(const std::vector<at::Tensor>& gradients, double maxNorm, bool clip = true);

}  // namespace sds::train
