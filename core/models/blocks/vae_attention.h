#pragma once
// The self-attention of the VAE's mid blocks (diffusers' Attention as UNetMidBlock2D builds it):
// group_norm, to_q/to_k/to_v and to_out.0 (all with bias) over the flattened feature map, a residual
// connection, rescale_output_factor 1. The VAE uses one head as wide as the channels.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace sds::models {

struct VaeAttentionImpl : torch::nn::Module {
  VaeAttentionImpl(int64_t channels, int64_t heads, int64_t groups, double eps);
  // x: [B, C, H, W] → [B, C, H, W]
  at::Tensor forward(const at::Tensor& x);

  int64_t heads;
  torch::nn::GroupNorm group_norm{nullptr};
  torch::nn::Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr};
  torch::nn::ModuleList to_out;  // [Linear], named to_out.0 as in diffusers
};
TORCH_MODULE(VaeAttention);

}  // namespace sds::models
