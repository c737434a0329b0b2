#pragma once
// Loading a module's weights from tensors by name: every parameter and buffer of the module must be
// given with its exact shape, and every given tensor must belong to the module; anything else is an
// error naming the key, so a checkpoint of the wrong model never loads half-way.

#include <torch/nn/module.h>

#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace sds::models {

struct WeightsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `rename` maps a file key to the module's name ("" to skip the key). Values are copied (and
// converted to each parameter's dtype), so the source may be a read-only file mapping.
void loadWeights(torch::nn::Module& module, const std::map<std::string, at::Tensor>& tensors, const std::string& source,
                 const std::function<std::string(const std::string&)>& rename = {});

// How many values the tensors hold together (what a model loaded from them may hold at most; see
// WeightsWillBeLoaded in models/blocks/layers.h).
std::int64_t valueCount(const std::map<std::string, at::Tensor>& tensors);

}  // namespace sds::models
