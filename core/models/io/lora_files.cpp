#include "models/io/lora_files.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>

#include "io/safetensors.h"
#include "models/io/torch_tensors.h"
#include "models/io/ldm_names.h"
#include "models/lora.h"
#include "models/io/weights.h"

namespace sds::models {
namespace {

// A linear layer of the model with its name in both layouts (without the weight suffixes).
struct Target {
  std::string kohya, peft;
  torch::nn::LinearImpl* linear;
};

std::string underscored(std::string name) {
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

template <class NameOf>
void addLinears(torch::nn::Module& module, NameOf kohyaPath, const std::string& kohyaPrefix, const std::string& peftPrefix,
                std::vector<Target>& out) {
  for (const auto& item : module.named_modules("", false)) {
    if (item.key().find(".lora") != std::string::npos) continue;  // an adapter's own layers
    auto* linear = item.value()->as<torch::nn::LinearImpl>();
    if (!linear) continue;
    out.push_back({kohyaPrefix + underscored(kohyaPath(item.key())), peftPrefix + item.key(), linear});
  }
}

std::vector<Target> targetsOf(StableDiffusionModel& m) {
  std::vector<Target> out;
  const bool xl = m.family == ModelFamily::SDXL;
  const UNetConfig& config = m.unet->config;
  // kohya names SDXL's UNet modules in the original layout, SD 1.x/2.x's in diffusers'.
  addLinears(
      *m.unet,
      [&](const std::string& name) {
        if (!xl) return name;
        const std::string original = ldm::unetName(name + ".weight", config);
        return original.substr(0, original.size() - 7);
      },
      "lora_unet_", "unet.", out);
  const auto textPath = [](const std::string& name) { return "text_model." + name; };
  addLinears(*m.textEncoder, textPath, xl ? "lora_te1_" : "lora_te_", "text_encoder.text_model.", out);
  if (m.textEncoder2) addLinears(*m.textEncoder2, textPath, "lora_te2_", "text_encoder_2.text_model.", out);
  return out;
}

std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

void saveLora(StableDiffusionModel& model, const std::string& path, LoraFormat format, c10::ScalarType dtype,
              const std::map<std::string, std::string>& metadata) {
  torch::NoGradGuard noGrad;
  std::map<std::string, at::Tensor> tensors;
  std::map<std::string, std::string> meta = metadata;
  for (const Target& t : targetsOf(model)) {
    const LoraAdapterImpl* adapter = adapterOf(*t.linear);
    if (!adapter) continue;
    const at::Tensor down = adapter->down->weight.detach().to(torch::kCPU, dtype).contiguous();
    const at::Tensor up = adapter->up->weight.detach().to(torch::kCPU, dtype).contiguous();
    if (format == LoraFormat::Kohya) {
      tensors[t.kohya + ".lora_down.weight"] = down;
      tensors[t.kohya + ".lora_up.weight"] = up;
      tensors[t.kohya + ".alpha"] = torch::tensor(adapter->alpha, torch::kFloat32);
    } else {
      tensors[t.peft + ".lora_A.weight"] = down;
      tensors[t.peft + ".lora_B.weight"] = up;
    }
    meta.emplace("ss_network_dim", std::to_string(adapter->rank));
    meta.emplace("ss_network_alpha", number(adapter->alpha));
  }
  if (tensors.empty()) throw std::invalid_argument("the model has no LoRA adapters to save");
  if (format == LoraFormat::Kohya) meta.emplace("ss_network_module", "networks.lora");
  io::saveTensors(path, tensors, meta);
}

std::size_t loadLora(StableDiffusionModel& model, const std::string& path) {
  const io::SafetensorsFile file = io::SafetensorsFile::open(path);
  const std::map<std::string, at::Tensor> tensors = io::loadTensors(path);
  bool kohya = false, peft = false;
  for (const auto& [key, tensor] : tensors) {
    kohya = kohya || key.rfind("lora_unet_", 0) == 0 || key.rfind("lora_te", 0) == 0;
    peft = peft || key.find(".lora_A.weight") != std::string::npos;
  }
  if (kohya == peft)
    throw WeightsError(path + ": not a LoRA file SD Studio reads (expected kohya's lora_unet_…/lora_te… keys or "
                              "diffusers' ….lora_A.weight keys)");
  const std::string downSuffix = kohya ? ".lora_down.weight" : ".lora_A.weight";
  const std::string upSuffix = kohya ? ".lora_up.weight" : ".lora_B.weight";
  double fileAlpha = -1;
  if (const auto it = file.metadata().find("ss_network_alpha"); it != file.metadata().end()) {
    try {
      fileAlpha = std::stod(it->second);
    } catch (const std::exception&) {
      fileAlpha = -1;
    }
  }

  std::map<std::string, torch::nn::LinearImpl*> byName;
  for (const Target& t : targetsOf(model)) byName.emplace(kohya ? t.kohya : t.peft, t.linear);
  std::size_t attached = 0;
  torch::NoGradGuard noGrad;
  for (const auto& [key, down] : tensors) {
    if (key.size() <= downSuffix.size() || key.compare(key.size() - downSuffix.size(), downSuffix.size(), downSuffix) != 0)
      continue;
    const std::string base = key.substr(0, key.size() - downSuffix.size());
    const auto target = byName.find(base);
    if (target == byName.end())
      throw WeightsError(path + ": \"" + key + "\" fits no linear layer of this " + familyName(model.family) + " model");
    const auto upIt = tensors.find(base + upSuffix);
    if (upIt == tensors.end()) throw WeightsError(path + ": \"" + base + upSuffix + "\" is missing");
    const at::Tensor& up = upIt->second;
    torch::nn::LinearImpl& linear = *target->second;
    if (down.dim() != 2 || up.dim() != 2 || down.size(1) != linear.weight.size(1) || up.size(0) != linear.weight.size(0) ||
        up.size(1) != down.size(0))
      throw WeightsError(path + ": \"" + base + "\" does not fit its layer (a " + std::to_string(linear.weight.size(1)) +
                         " → " + std::to_string(linear.weight.size(0)) + " linear layer; convolution LoRAs are not "
                         "supported)");
    if (adapterOf(linear)) throw WeightsError(path + ": \"" + base + "\" adapts a layer that already has an adapter");
    const int64_t rank = down.size(0);
    double alpha = fileAlpha > 0 ? fileAlpha : static_cast<double>(rank);
    if (const auto a = tensors.find(base + ".alpha"); a != tensors.end()) alpha = a->second.to(torch::kFloat64).item<double>();
    LoraAdapterImpl& adapter = attachAdapter(linear, rank, alpha);
    adapter.down->weight.copy_(down);
    adapter.up->weight.copy_(up);
    ++attached;
  }
  if (attached == 0) throw WeightsError(path + ": holds no LoRA weights");
  return attached;
}

}  // namespace sds::models
