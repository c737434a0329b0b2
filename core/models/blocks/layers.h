#pragma once
// The weighted torch::nn layers the models are made of. Made as torch::nn makes them (weights drawn
// as PyTorch initialises each layer), except while a WeightsWillBeLoaded guard is alive on this thread:
// then their weights are left uninitialised, in the type they will be loaded in, for a model whose every
// weight is about to come from a file (loadWeights refuses a file that lacks one). Drawing SD 1.5's billion random numbers on the CPU
// only to overwrite them took most of the model's loading time.

#include <c10/core/ScalarType.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>

namespace sds::models {

class WeightsWillBeLoaded {
 public:
  // The weights are made in `dtype` (the norms' stay float32 until the model is converted).
  explicit WeightsWillBeLoaded(c10::ScalarType dtype);
  ~WeightsWillBeLoaded();
  WeightsWillBeLoaded(const WeightsWillBeLoaded&) = delete;
  WeightsWillBeLoaded& operator=(const WeightsWillBeLoaded&) = delete;

 private:
  bool previous_;
  c10::ScalarType previousType_;
};

torch::nn::Conv2d makeConv2d(const torch::nn::Conv2dOptions& options);
torch::nn::Linear makeLinear(const torch::nn::LinearOptions& options);
torch::nn::Linear makeLinear(std::int64_t in, std::int64_t out);
torch::nn::Embedding makeEmbedding(std::int64_t count, std::int64_t dim);

}  // namespace sds::models
