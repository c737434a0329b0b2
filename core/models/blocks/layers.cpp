#include "models/blocks/layers.h"

#include <torch/torch.h>

#include <algorithm>

#include "models/io/weights.h"

namespace sds::models {
namespace {

thread_local bool weightsWillBeLoaded = false;
thread_local c10::ScalarType loadedType = c10::kFloat;
thread_local std::int64_t remainingValues = -1;  // -1: no limit
thread_local std::string loadedSource;

// Counts a weight of `shape` against the values the source holds.
void take(at::IntArrayRef shape) {
  if (remainingValues < 0) return;
  std::int64_t values = 1;
  bool overflow = false;
  for (const std::int64_t d : shape) overflow = overflow || d < 0 || __builtin_mul_overflow(values, d, &values);
  if (overflow || values > remainingValues)
    throw WeightsError(loadedSource + ": its config describes a model with more weights than the file holds; a "
                                      "setting of the config, or a tensor's shape it was derived from, is wrong");
  remainingValues -= values;
}

// Gives a parameter made small its real shape and the loaded type, uninitialised, keeping the module's
// tensor object.
void reshapeUninitialised(at::Tensor& parameter, at::IntArrayRef shape) {
  if (!parameter.defined()) return;
  take(shape);
  parameter.set_data(torch::empty(shape, parameter.options().dtype(loadedType)));
}

}  // namespace

WeightsWillBeLoaded::WeightsWillBeLoaded(c10::ScalarType dtype)
    : previous_(weightsWillBeLoaded), previousType_(loadedType), previousRemaining_(remainingValues),
      previousSource_(loadedSource) {
  weightsWillBeLoaded = true;
  loadedType = dtype;
}

WeightsWillBeLoaded::WeightsWillBeLoaded(c10::ScalarType dtype, std::string source, std::int64_t valuesInSource)
    : WeightsWillBeLoaded(dtype) {
  // With room to spare, so that a file lacking a few weights still reaches the loader's message naming
  // the missing key; what this stops is orders of magnitude.
  remainingValues = 2 * std::max<std::int64_t>(valuesInSource, 0) + (std::int64_t{1} << 24);
  loadedSource = std::move(source);
}

WeightsWillBeLoaded::~WeightsWillBeLoaded() {
  weightsWillBeLoaded = previous_;
  loadedType = previousType_;
  remainingValues = previousRemaining_;
  loadedSource = std::move(previousSource_);
}

torch::nn::Conv2d makeConv2d(const torch::nn::Conv2dOptions& options) {
  if (!weightsWillBeLoaded) return torch::nn::Conv2d(options);
  // Made with one channel per group, then given the real channel counts: the layer reads only its
  // kernel size, stride, padding, dilation and groups when it runs, and its weights' shapes.
  auto small = options;
  small.in_channels(options.groups()).out_channels(options.groups());
  torch::nn::Conv2d conv(small);
  conv->options.in_channels(options.in_channels()).out_channels(options.out_channels());
  const auto& k = options.kernel_size();
  reshapeUninitialised(conv->weight, {options.out_channels(), options.in_channels() / options.groups(), k->at(0), k->at(1)});
  reshapeUninitialised(conv->bias, {options.out_channels()});
  return conv;
}

torch::nn::Linear makeLinear(const torch::nn::LinearOptions& options) {
  if (!weightsWillBeLoaded) return torch::nn::Linear(options);
  torch::nn::Linear linear(torch::nn::LinearOptions(1, 1).bias(options.bias()));
  linear->options = options;
  reshapeUninitialised(linear->weight, {options.out_features(), options.in_features()});
  reshapeUninitialised(linear->bias, {options.out_features()});
  return linear;
}

torch::nn::Linear makeLinear(std::int64_t in, std::int64_t out) { return makeLinear(torch::nn::LinearOptions(in, out)); }

torch::nn::Embedding makeEmbedding(std::int64_t count, std::int64_t dim) {
  if (!weightsWillBeLoaded) return torch::nn::Embedding(count, dim);
  torch::nn::Embedding embedding(1, 1);
  embedding->options.num_embeddings(count).embedding_dim(dim);
  reshapeUninitialised(embedding->weight, {count, dim});
  return embedding;
}

}  // namespace sds::models
