#pragma once
// The VAE's blocks (diffusers' DownEncoderBlock2D, UpDecoderBlock2D and UNetMidBlock2D without time
// embedding): resnets with eps 1e-6 and an optional resampler or mid-block attention.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

namespace sds::models {

struct DownEncoderBlock2DImpl : torch::nn::Module {
  // downsample: a stride-2 conv at the end (every level but the last).
  DownEncoderBlock2DImpl(int64_t inChannels, int64_t outChannels, int64_t layers, int64_t groups, bool downsample);
  at::Tensor forward(at::Tensor x);
  torch::nn::ModuleList resnets, downsamplers;
};
TORCH_MODULE(DownEncoderBlock2D);

struct UpDecoderBlock2DImpl : torch::nn::Module {
  // upsample: nearest ×2 and a conv at the end (every level but the last).
  UpDecoderBlock2DImpl(int64_t inChannels, int64_t outChannels, int64_t layers, int64_t groups, bool upsample);
  at::Tensor forward(at::Tensor x);
  torch::nn::ModuleList resnets, upsamplers;
};
TORCH_MODULE(UpDecoderBlock2D);

struct VaeMidBlockImpl : torch::nn::Module {
  // resnets.0 → attentions.0 (when withAttention) → resnets.1
  VaeMidBlockImpl(int64_t channels, int64_t groups, bool withAttention);
  at::Tensor forward(at::Tensor x);
  torch::nn::ModuleList resnets, attentions;
};
TORCH_MODULE(VaeMidBlock);

}  // namespace sds::models
