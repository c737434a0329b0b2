#pragma once
// Channels-last (NHWC) layout for a model's convolution weights, so that with channels-last input its
// convolutions, group norms (models/blocks/group_norm.h) and the element-wise work between them run
// in that layout without conversions: on a GPU at large batches the faster layout (docs/performance.md).

#include <torch/nn/module.h>

namespace sds::models {

// Every 4-D parameter of `module` (and its children) stored channels-last, in place: the parameters
// stay the same objects, so optimizers and hooks made before keep them.
void toChannelsLast(torch::nn::Module& module);

}  // namespace sds::models
