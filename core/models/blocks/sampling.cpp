#include "models/blocks/sampling.h"
#include "models/blocks/layers.h"

#include <torch/torch.h>

namespace sds::models {

Downsample2DImpl::Downsample2DImpl(int64_t channels, int64_t outChannels, int64_t padding) : padding(padding) {
  conv = register_module(
      "conv", makeConv2d(torch::nn::Conv2dOptions(channels, outChannels, 3).stride(2).padding(padding)));
}

at::Tensor Downsample2DImpl::forward(const at::Tensor& x) {
  if (padding == 0) return conv(torch::constant_pad_nd(x, {0, 1, 0, 1}, 0));
  return conv(x);
}

Upsample2DImpl::Upsample2DImpl(int64_t channels, int64_t outChannels) {
  conv = register_module("conv", makeConv2d(torch::nn::Conv2dOptions(channels, outChannels, 3).padding(1)));
}

at::Tensor Upsample2DImpl::forward(const at::Tensor& x, const std::vector<int64_t>& outputSize) {
  namespace F = torch::nn::functional;
  // Nearest interpolation lacks bfloat16 kernels in older LibTorch versions; it is exact in float32.
  const bool viaFloat = x.scalar_type() == torch::kBFloat16;
  const at::Tensor in = viaFloat ? x.to(torch::kFloat32) : x;
  auto options = F::InterpolateFuncOptions().mode(torch::kNearest);
  if (outputSize.empty()) options.scale_factor(std::vector<double>{2.0, 2.0});
  else options.size(outputSize);
  at::Tensor up = F::interpolate(in, options);
  if (viaFloat) up = up.to(torch::kBFloat16);
  return conv(up);
}

}  // namespace sds::models
