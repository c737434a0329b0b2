#pragma once
// Scaled dot-product attention for every model: fused kernels where the LibTorch version has them,
// explicit softmax attention before that. On the GPU, the shapes cuDNN's attention handles safely go
// to it directly: on Hopper its backward pass is about twice as fast as the flash attention kernels
// PyTorch picks by itself (docs/performance.md).

#include <ATen/core/Tensor.h>

namespace sds::models {

enum class AttentionImplementation {
  Fused,       // the default: cuDNN's kernels where they apply (see attention.cpp), else as TorchFused
  TorchFused,  // at::scaled_dot_product_attention, which picks flash / memory-efficient / math itself
  Explicit,    // the softmax of the scores, written out (older LibTorch; the benchmark's comparison)
};
// Process-wide; set before a run, not during one.
void setAttentionImplementation(AttentionImplementation implementation);

// Whether attention() runs fused kernels, which keep the scores in float32 internally.
bool attentionIsFused();

// q, k, v: [B, heads, tokens, head_dim]; mask: additive, broadcastable to [B, heads, Tq, Tk], or undefined.
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask = {});

}  // namespace sds::models
