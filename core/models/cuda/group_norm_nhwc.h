#pragma once
// Group normalisation of channels-last activations ([N, C, H, W] stored as N·H·W rows of C), with
// an optional SiLU after it, as our own CUDA kernels each way. LibTorch's CUDA GroupNorm takes only
// channels-first input: on a channels-last UNet it copied every activation to NCHW and back, which
// cost more than the layout conversions cuDNN adds around each convolution of a channels-first one.
// These read the channels-last layout as it is; with the SiLU fused, the normalised tensor is not
// written, read and kept for the backward pass a second time. Statistics and gradients are summed in
// float32 (Welford's merges for the variance). Checked against ATen's group_norm (+ silu) by
// tests/gpu/kernel_checks.cpp. Compiled only when LibTorch has CUDA (SDS_FUSED_GROUP_NORM).

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace sds::models::cuda {

// Whether the kernels take `x` with `groups` groups: a 4-D CUDA tensor in channels-last layout, of
// float32, bf16 or fp16, whose channels divide into the groups.
bool canGroupNormNhwc(const at::Tensor& x, std::int64_t groups);

struct GroupNormNhwcForward {
  at::Tensor out;         // like x, channels-last
  at::Tensor mean, rstd;  // [N, groups], float32: what the backward pass needs besides x
};

// silu(group_norm(x) · weight + bias) with `silu`, else group_norm(x) · weight + bias; weight and
// bias: [C], of any floating type.
GroupNormNhwcForward groupNormNhwcForward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                          std::int64_t groups, double eps, bool silu);

struct GroupNormNhwcGradients {
  at::Tensor input;         // like x
  at::Tensor weight, bias;  // like weight and bias
};

GroupNormNhwcGradients groupNormNhwcBackward(const at::Tensor& gradOut, const at::Tensor& x, const at::Tensor& weight,
                                             const at::Tensor& bias, const at::Tensor& mean, const at::Tensor& rstd,
                                             std::int64_t groups, bool silu);

}  // namespace sds::models::cuda
