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

#include <cstdint>
#include <string>

namespace sds::models {

class WeightsWillBeLoaded {
 public:
  // The weights are made in `dtype` (the norms' stay float32 until the model is converted).
  explicit WeightsWillBeLoaded(c10::ScalarType dtype);
  // And the layers may hold little more than `valuesInSource` values, the number the file (or files)
  // they will be loaded from hold (twice that, plus 16 M): a config derived from a stranger's shapes, or
  // a config.json, that describes far more throws WeightsError naming `source` before the memory is
  // taken, instead of allocating without bound only for the loading to find that the weights do not fit.
  WeightsWillBeLoaded(c10::ScalarType dtype, std::string source, std::int64_t valuesInSource);
  ~WeightsWillBeLoaded();
  WeightsWillBeLoaded(const WeightsWillBeLoaded&) = delete;
  WeightsWillBeLoaded& operator=(const WeightsWillBeLoaded&) = delete;

 private:
  bool previous_;
  c10::ScalarType previousType_;
  std::int64_t previousRemaining_;
  std::string previousSource_;
};

torch::nn::Conv2d makeConv2d(const torch::nn::Conv2dOptions& options);
torch::nn::Linear makeLinear(const torch::nn::LinearOptions& options);
torch::nn::Linear makeLinear(std::int64_t in, std::int64_t out);
torch::nn::Embedding makeEmbedding(std::int64_t count, std::int64_t dim);

}  // namespace sds::models
