#include "models/blocks/embeddings.h"
#include "models/blocks/layers.h"

#include <torch/torch.h>

#include <cmath>

namespace sds::models {

at::Tensor timestepFeatures(const at::Tensor& timesteps, int64_t dim, bool flipSinToCos, double freqShift) {
  const int64_t half = dim / 2;
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(timesteps.device());
  // float32 as diffusers computes it, except that exp, sin and cos are evaluated in float64 and rounded:
  // the float32 values nearest the true ones, the same on every CPU, GPU and LibTorch version. Float32 kernels
  // differ between builds by an ulp, and t·freq magnifies an ulp of a frequency up to a thousandfold;
  // training is sensitive to it (Adam's first steps turn such differences in near-zero gradients into
  // visible parameter differences), and LibTorch 1.13's float32 exp differs from diffusers' here.
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64).device(timesteps.device());
  const at::Tensor exponent = -std::log(10000.0) * torch::arange(0, half, f32) / (double(half) - freqShift);
  const at::Tensor freqs = torch::exp(exponent.to(f64)).to(torch::kFloat32);
  const at::Tensor angles = (timesteps.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0)).to(f64);
  const at::Tensor sines = torch::sin(angles).to(torch::kFloat32), cosines = torch::cos(angles).to(torch::kFloat32);
  at::Tensor features = flipSinToCos ? torch::cat({cosines, sines}, -1) : torch::cat({sines, cosines}, -1);
  if (dim % 2 == 1) features = torch::nn::functional::pad(features, torch::nn::functional::PadFuncOptions({0, 1}));
  return features;
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int64_t inChannels, int64_t embedDim) {
  linear_1 = register_module("linear_1", makeLinear(inChannels, embedDim));
  linear_2 = register_module("linear_2", makeLinear(embedDim, embedDim));
}

at::Tensor TimestepEmbeddingImpl::forward(const at::Tensor& features) {
  return linear_2(torch::silu(linear_1(features)));
}

}  // namespace sds::models
