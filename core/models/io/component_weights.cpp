#include "models/io/component_weights.h"

#include <torch/torch.h>

#include <filesystem>
#include <set>

#include "io/json_config.h"
#include "models/io/torch_tensors.h"

namespace sds::io {

std::map<std::string, at::Tensor> loadComponentWeights(const std::string& folder, const std::string& baseName) {
  namespace fs = std::filesystem;
  const fs::path dir(folder);
  const fs::path single = dir / (baseName + ".safetensors");
  if (fs::exists(single)) return loadTensors(single.string());

  const fs::path index = dir / (baseName + ".safetensors.index.json");
  if (fs::exists(index)) {
    const JsonConfig config = JsonConfig::fromFile(index.string(), "a safetensors shard index");
    if (!config.has("weight_map") || !config.raw("weight_map").is_object())
      config.fail("weight_map", "is missing; expected an object from tensor names to shard files");
    std::set<std::string> shards;
    for (const auto& [name, shard] : config.raw("weight_map").items()) {
      if (!shard.is_string()) config.fail("weight_map", "maps \"" + name + "\" to a non-string");
      const std::string file = shard.get<std::string>();
      if (file.find('/') != std::string::npos || file.find("..") != std::string::npos)
        config.fail("weight_map", "names the shard \"" + file + "\" outside the folder");
      shards.insert(file);
    }
    std::map<std::string, at::Tensor> all;
    for (const std::string& shard : shards)
      for (auto& [name, tensor] : loadTensors((dir / shard).string())) {
        if (all.count(name))
          throw SafetensorsError(index.string() + ": tensor \"" + name + "\" appears in more than one shard");
        all.emplace(name, std::move(tensor));
      }
    return all;
  }

  for (const char* pickle : {"pytorch_model.bin", "diffusion_pytorch_model.bin"})
    if (fs::exists(dir / pickle))
      throw SafetensorsError((dir / pickle).string() +
                             ": this folder has only PyTorch pickle weights, which SD Studio never loads because "
                             "unpickling can run code. Convert the model to .safetensors with a tool you trust "
                             "(for example diffusers' save_pretrained(safe_serialization=True)).");
  throw SafetensorsError(folder + ": no " + baseName + ".safetensors (or " + baseName +
                         ".safetensors.index.json with shards) in this folder");
}

}  // namespace sds::io
