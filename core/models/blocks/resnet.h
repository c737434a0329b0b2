#pragma once
// diffusers' ResnetBlock2D (time_embedding_norm "default"), shared by the UNet and the VAE:
// norm1 → SiLU → conv1 (+ time_emb_proj(SiLU(temb))) → norm2 → SiLU → dropout → conv2, plus a 1×1
// conv_shortcut when the channel count changes.

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace sds::models {

struct ResnetBlock2DImpl : torch::nn::Module {
  // tembChannels 0: no time embedding (the VAE). groupsOut 0: same as groups.
  ResnetBlock2DImpl(int64_t inChannels, int64_t outChannels, int64_t tembChannels, int64_t groups, int64_t groupsOut,
                    double eps, double outputScaleFactor, double dropout = 0.0);
  // x: [B, in, H, W]; temb: [B, tembChannels], ignored (may be undefined) without time_emb_proj.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb = {});

  double outputScaleFactor;
  double dropout;
  torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv_shortcut{nullptr};
  torch::nn::Linear time_emb_proj{nullptr};
};
TORCH_MODULE(ResnetBlock2D);

}  // namespace sds::models
