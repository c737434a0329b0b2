#include "models/blocks/embeddings.h"

#include <torch/torch.h>

#include <cmath>

namespace sds::models {

at::Tensor timestepFeatures(const at::Tensor& timesteps, int64_t dim, bool flipSinToCos, double freqShift) {
  const int64_t half = dim / 2;
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(timesteps.device());
  const at::Tensor exponent = -std::log(10000.0) * torch::arange(0, half, f32) / (double(half) - freqShift);
  const at::Tensor angles = timesteps.to(torch::kFloat32).unsqueeze(1) * torch::exp(exponent).unsqueeze(0);
  at::Tensor features = flipSinToCos ? torch::cat({torch::cos(angles), torch::sin(angles)}, -1)
                                     : torch::cat({torch::sin(angles), torch::cos(angles)}, -1);
  if (dim % 2 == 1) features = torch::nn::functional::pad(features, torch::nn::functional::PadFuncOptions({0, 1}));
  return features;
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int64_t inChannels, int64_t embedDim) {
  linear_1 = register_module("linear_1", torch::nn::Linear(inChannels, embedDim));
  linear_2 = register_module("linear_2", torch::nn::Linear(embedDim, embedDim));
}

at::Tensor TimestepEmbeddingImpl::forward(const at::Tensor& features) {
  return linear_2(torch::silu(linear_1(features)));
}

}  // namespace sds::models
