#pragma once
// The weights of one component folder of a diffusers/transformers model (unet/, vae/, text_encoder/):
// a single <base>.safetensors, or shards listed in <base>.safetensors.index.json.

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace sds::io {

// baseName: "diffusion_pytorch_model" (diffusers) or "model" (transformers). Tensors are read-only
// views of the mapped files. Pickle-only folders (.bin) are refused with a message saying how to
// convert them. Throws SafetensorsError or ConfigError naming the file.
std::map<std::string, at::Tensor> loadComponentWeights(const std::string& folder, const std::string& baseName);

}  // namespace sds::io
