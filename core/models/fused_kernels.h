#pragma once
// Switches for our own fused CUDA kernels in the models (models/cuda/), so that a benchmark can
// compare them with LibTorch's kernels in one build. Process-wide; set before a model runs. No torch.

namespace sds::models {

// GEGLU as one kernel each way (models/cuda/geglu.h) where built; on by default.
void setFusedGeglu(bool fused);
// Group normalisation (+ SiLU) of channels-last CUDA activations as our own kernels
// (models/cuda/group_norm_nhwc.h) where built; on by default. Channels-first input always takes torch's.
void setFusedGroupNorm(bool fused);

}  // namespace sds::models
