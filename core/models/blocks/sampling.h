#pragma once
// diffusers' Downsample2D and Upsample2D with a convolution (use_conv=True), the only form SD uses.

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

#include <vector>

namespace sds::models {

struct Downsample2DImpl : torch::nn::Module {
  // padding 1: symmetric (the UNet). padding 0: the input is zero-padded by one row and column at
  // the bottom and right first (the VAE encoder), as diffusers does.
  Downsample2DImpl(int64_t channels, int64_t outChannels, int64_t padding);
  at::Tensor forward(const at::Tensor& x);
  int64_t padding;
  torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Downsample2D);

struct Upsample2DImpl : torch::nn::Module {
  Upsample2DImpl(int64_t channels, int64_t outChannels);
  // Nearest-neighbour ×2, or to `outputSize` ({H, W}) when given, then a 3×3 conv.
  at::Tensor forward(const at::Tensor& x, const std::vector<int64_t>& outputSize = {});
  torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample2D);

}  // namespace sds::models
