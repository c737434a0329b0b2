#pragma once
// Sinusoidal timestep features and the MLP that embeds them (diffusers' Timesteps and
// TimestepEmbedding), used for the UNet's time and SDXL's size/crop conditioning.

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

namespace sds::models {

// [N] timesteps → [N, dim] features, computed in float32 as diffusers does whatever the model dtype.
at::Tensor timestepFeatures(const at::Tensor& timesteps, int64_t dim, bool flipSinToCos, double freqShift);

struct TimestepEmbeddingImpl : torch::nn::Module {
  TimestepEmbeddingImpl(int64_t inChannels, int64_t embedDim);
  at::Tensor forward(const at::Tensor& features);
  torch::nn::Linear linear_1{nullptr}, linear_2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

}  // namespace sds::models
