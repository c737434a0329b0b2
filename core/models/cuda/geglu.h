#pragma once
// GEGLU (the transformer blocks' feed-forward gate, out = a · gelu(b) for the two halves of the
// projection's last dimension) as one CUDA kernel each way. The ATen path takes a chunk, an exact
// GELU and a multiply forward, and in the backward pass their three kernels plus the chunk's copy
// into a zeroed gradient; these read the projection once and write the result once. Checked against
// the ATen path by tests/gpu/kernel_checks.cpp. Compiled only when LibTorch has CUDA
// (SDS_FUSED_GEGLU).

#include <ATen/core/Tensor.h>

namespace sds::models::cuda {

// Whether the kernels take `projected` ([..., 2·D]): CUDA, contiguous, float32, bf16 or fp16.
bool canFuseGeglu(const at::Tensor& projected);
// [..., D]: the first half times the exact GELU of the second, computed in float32.
at::Tensor gegluForward(const at::Tensor& projected);
// The gradient of `projected` ([..., 2·D]) from the output's (`gradOut`, [..., D]).
at::Tensor gegluBackward(const at::Tensor& gradOut, const at::Tensor& projected);

}  // namespace sds::models::cuda
