#pragma once
// The UNet's down, mid and up blocks (diffusers' CrossAttnDownBlock2D / DownBlock2D,
// UNetMidBlock2DCrossAttn, CrossAttnUpBlock2D / UpBlock2D): resnets, optional attention, and a
// resampler, with diffusers' parameter names.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include <vector>

#include "models/blocks/transformer_2d.h"

namespace sds::models {

struct UNetBlockOptions {
  int64_t inChannels = 0;
  int64_t outChannels = 0;
  int64_t prevOutputChannels = 0;  // up blocks: channels coming from the block below
  int64_t tembChannels = 0;
  int64_t layers = 2;
  bool withAttention = true;
  bool resample = true;  // down blocks: downsample at the end; up blocks: upsample at the end
  int64_t groups = 32;
  double eps = 1e-5;
  double resnetOutScale = 1.0;
  int64_t downsamplePadding = 1;
  Transformer2DOptions attention;  // channels set per block
};

// Which of a block's resnets and transformers recompute their activations in the backward pass
// (UNet2DConditionModelImpl::setGradientCheckpointing decides); indexed as the block's lists.
struct PieceCheckpointing {
  std::vector<bool> resnets, attentions;
  bool resnet(std::size_t i) const { return i < resnets.size() && resnets[i]; }
  bool attention(std::size_t i) const { return i < attentions.size() && attentions[i]; }
};

struct DownBlockImpl : torch::nn::Module {
  explicit DownBlockImpl(const UNetBlockOptions& o);
  // Returns the block's output; appends every intermediate state for the skip connections.
  at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, std::vector<at::Tensor>& skips);
  torch::nn::ModuleList resnets, attentions, downsamplers;
  PieceCheckpointing checkpointing;
};
TORCH_MODULE(DownBlock);

struct MidBlockImpl : torch::nn::Module {
  explicit MidBlockImpl(const UNetBlockOptions& o);
  at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context);
  torch::nn::ModuleList resnets, attentions;
  PieceCheckpointing checkpointing;
};
TORCH_MODULE(MidBlock);

struct UpBlockImpl : torch::nn::Module {
  explicit UpBlockImpl(const UNetBlockOptions& o);
  // Consumes the last layers+1 skip states; `upsampleSize` forces the output size of the upsampler
  // when the input's sides are not multiples of the UNet's total downsampling.
  at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, std::vector<at::Tensor>& skips,
                     const std::vector<int64_t>& upsampleSize);
  torch::nn::ModuleList resnets, attentions, upsamplers;
  PieceCheckpointing checkpointing;
};
TORCH_MODULE(UpBlock);

}  // namespace sds::models
