#pragma once
// Scaled dot-product attention for every model: the fused kernel where the LibTorch version has it
// (flash/cuDNN/memory-efficient on GPUs), explicit softmax attention before that.

#include <ATen/core/Tensor.h>

namespace sds::models {

// Fused: at::scaled_dot_product_attention where this LibTorch has it (the default). Explicit: the
// softmax of the scores, written out (what older versions and the benchmark's comparison use).
enum class AttentionImplementation { Fused, Explicit };
// Process-wide; set before a run, not during one.
void setAttentionImplementation(AttentionImplementation implementation);

// Whether attention() runs the fused kernels, which keep the scores in float32 internally.
bool attentionIsFused();

// q, k, v: [B, heads, tokens, head_dim]; mask: additive, broadcastable to [B, heads, Tq, Tk], or undefined.
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask = {});

}  // namespace sds::models
