#include "models/io/weights.h"

#include <torch/torch.h>

#include <sstream>

#include "io/dtype.h"
#include "models/io/torch_tensors.h"

namespace sds::models {
namespace {

std::string shapeText(at::IntArrayRef shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}

// The element type as safetensors names it (F16, I64, BOOL …), which is what the user's file says.
std::string typeText(c10::ScalarType type) {
  try {
    return std::string(io::dtypeName(io::toDType(type)));
  } catch (const std::exception&) {
    return c10::toString(type);
  }
}

}  // namespace

void loadWeights(torch::nn::Module& module, const std::map<std::string, at::Tensor>& tensors, const std::string& source,
                 const std::function<std::string(const std::string&)>& rename) {
  std::map<std::string, at::Tensor> targets;
  for (const auto& item : module.named_parameters()) targets.emplace(item.key(), item.value());
  for (const auto& item : module.named_buffers()) targets.emplace(item.key(), item.value());

  std::map<std::string, const at::Tensor*> byName;
  for (const auto& [fileKey, tensor] : tensors) {
    const std::string name = rename ? rename(fileKey) : fileKey;
    if (name.empty()) continue;
    if (!targets.count(name)) throw WeightsError(source + ": unexpected weight \"" + fileKey + "\" (not part of this model)");
    if (byName.count(name)) throw WeightsError(source + ": two weights map to \"" + name + "\"");
    byName[name] = &tensor;
  }
  for (const auto& [name, target] : targets) {
    const auto it = byName.find(name);
    if (it == byName.end()) throw WeightsError(source + ": missing weight \"" + name + "\"");
    if (it->second->sizes() != target.sizes())
      throw WeightsError(source + ": weight \"" + name + "\" has shape " + shapeText(it->second->sizes()) +
                         ", the model expects " + shapeText(target.sizes()));
    // Any floating-point type converts (a float16 checkpoint into a float32 model); integers or
    // booleans in place of weights mean a damaged file or one of something else.
    if (target.is_floating_point() && !it->second->is_floating_point())
      throw WeightsError(source + ": weight \"" + name + "\" holds " + typeText(it->second->scalar_type()) +
                         " values; the model expects floating-point weights (F32, F16 or BF16)");
  }
  torch::NoGradGuard noGrad;
  for (auto& [name, target] : targets) target.copy_(*byName.at(name));
}

std::int64_t valueCount(const std::map<std::string, at::Tensor>& tensors) {
  std::int64_t values = 0;
  for (const auto& [key, tensor] : tensors) values += tensor.numel();
  return values;
}

}  // namespace sds::models
