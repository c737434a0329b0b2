#pragma once
// The blocks' group normalisation, with the SiLU that follows it in most places. On channels-last
// CUDA activations it runs as our own kernels (models/cuda/group_norm_nhwc.h), which read that
// layout as it is and fuse the SiLU; elsewhere it is torch's GroupNorm and silu.

#include <torch/nn/modules/normalization.h>

namespace sds::models {

// norm(x), then SiLU when `thenSilu`.
at::Tensor groupNorm(torch::nn::GroupNormImpl& norm, const at::Tensor& x, bool thenSilu);

}  // namespace sds::models
