#include "models/io/lora_files.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "io/safetensors.h"
#include "models/io/ldm_names.h"
#include "models/io/peft_adapter_config.h"
#include "models/io/torch_tensors.h"
#include "models/io/weights.h"
#include "models/lora.h"
#include "util/atomic_file.h"

namespace sds::models {
namespace {

// A linear layer of the model with its name in both layouts (without the weight suffixes): kohya's, and
// diffusers' as the component prefix ("unet", "text_encoder", "text_encoder_2") and the module's name
// within the component.
struct Target {
  std::string kohya, component, module;
  torch::nn::LinearImpl* linear;
  std::string peft() const { return component + "." + module; }
};

std::string underscored(std::string name) {
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

template <class NameOf>
void addLinears(torch::nn::Module& module, NameOf kohyaPath, const std::string& kohyaPrefix, const std::string& component,
                const std::string& modulePrefix, std::vector<Target>& out) {
  for (const auto& item : module.named_modules("", false)) {
    if (item.key().find(".lora") != std::string::npos) continue;  // an adapter's own layers
    auto* linear = item.value()->as<torch::nn::LinearImpl>();
    if (!linear) continue;
    out.push_back({kohyaPrefix + underscored(kohyaPath(item.key())), component, modulePrefix + item.key(), linear});
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
      "lora_unet_", "unet", "", out);
  const auto textPath = [](const std::string& name) { return "text_model." + name; };
  addLinears(*m.textEncoder, textPath, xl ? "lora_te1_" : "lora_te_", "text_encoder", "text_model.", out);
  if (m.textEncoder2) addLinears(*m.textEncoder2, textPath, "lora_te2_", "text_encoder_2", "text_model.", out);
  return out;
}

const std::string kTextModel = "text_model.";

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Every name a diffusers/PEFT file may give the target (without ".lora_A.weight"): prefixed by its
// component, as diffusers' pipelines save; a text encoder's also without "text_model." (transformers 5.6
// flattened CLIPTextModel); and unprefixed, as a single model's save_lora_adapter or PEFT's
// save_pretrained ("base_model.model." removed before) write them, the UNet's and the first text
// encoder's.
std::vector<std::string> peftAliases(const Target& t) {
  std::vector<std::string> names{t.peft()};
  const bool text = startsWith(t.module, kTextModel);
  if (text) names.push_back(t.component + "." + t.module.substr(kTextModel.size()));
  if (t.component != "text_encoder_2") names.push_back(t.module);
  return names;
}

// The module name PEFT matches target_modules against: a dotted suffix, so a text encoder's names are
// written without "text_model." to match CLIPTextModel with and without that level.
std::string peftTargetName(const Target& t) {
  return startsWith(t.module, kTextModel) ? t.module.substr(kTextModel.size()) : t.module;
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
  std::map<std::string, std::vector<PeftModuleFacts>> peftModules;
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
      tensors[t.peft() + ".lora_A.weight"] = down;
      tensors[t.peft() + ".lora_B.weight"] = up;
      peftModules[t.component].push_back({peftTargetName(t), static_cast<int>(adapter->rank), adapter->alpha});
    }
    meta.emplace("ss_network_dim", std::to_string(adapter->rank));
    meta.emplace("ss_network_alpha", number(adapter->alpha));
  }
  if (tensors.empty()) throw std::invalid_argument("the model has no LoRA adapters to save");
  if (format == LoraFormat::Kohya) meta.emplace("ss_network_module", "networks.lora");
  // diffusers and PEFT take the scale alpha/r from here; without it they would apply scale 1.
  if (format == LoraFormat::Peft) meta[kLoraAdapterMetadataKey] = peftAdapterMetadata(peftModules);
  io::saveTensors(path, tensors, meta);
}

namespace {

// The scale of a diffusers/PEFT file's adapters: its lora_adapter_metadata, else PEFT's
// adapter_config.json beside it, else our earlier files' ss_network_alpha; alpha = rank without any.
struct PeftScales {
  std::map<std::string, PeftLoraConfig> byComponent;  // from lora_adapter_metadata ("": unprefixed keys)
  std::optional<PeftLoraConfig> unprefixed;           // from adapter_config.json
  double fileAlpha = -1;                              // ss_network_alpha

  double alphaOf(const Target& t, bool prefixed, int rank) const {
    if (prefixed) {
      if (const auto c = byComponent.find(t.component); c != byComponent.end()) return c->second.alphaOf(t.module, rank);
    } else if (const auto c = byComponent.find(""); c != byComponent.end()) {
      return c->second.alphaOf(t.module, rank);
    } else if (unprefixed) {
      return unprefixed->alphaOf(t.module, rank);
    }
    return fileAlpha > 0 ? fileAlpha : static_cast<double>(rank);
  }
};

// kohya's ss_network_alpha, -1 when absent or not a number.
double metadataAlpha(const io::SafetensorsFile& file) {
  const auto it = file.metadata().find("ss_network_alpha");
  if (it == file.metadata().end()) return -1;
  try {
    return std::stod(it->second);
  } catch (const std::exception&) {
    return -1;
  }
}

PeftScales peftScalesOf(const std::string& path, const io::SafetensorsFile& file) {
  namespace fs = std::filesystem;
  PeftScales scales;
  const auto& metadata = file.metadata();
  try {
    if (const auto it = metadata.find(kLoraAdapterMetadataKey); it != metadata.end())
      scales.byComponent = readPeftAdapterMetadata(it->second, path + " metadata \"" + kLoraAdapterMetadataKey + "\"");
    const fs::path config = fs::path(path).parent_path() / "adapter_config.json";
    if (fs::is_regular_file(config)) scales.unprefixed = readPeftAdapterConfig(readFile(config.string()), config.string());
  } catch (const std::runtime_error& e) {
    throw WeightsError(e.what());
  }
  scales.fileAlpha = metadataAlpha(file);
  return scales;
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::size_t loadLora(StableDiffusionModel& model, const std::string& path) {
  const io::SafetensorsFile file = io::SafetensorsFile::open(path);
  std::map<std::string, at::Tensor> tensors = io::loadTensors(file);
  bool kohya = false, peft = false;
  for (const auto& [key, tensor] : tensors) {
    kohya = kohya || key.rfind("lora_unet_", 0) == 0 || key.rfind("lora_te", 0) == 0;
    peft = peft || key.find(".lora_A.weight") != std::string::npos;
  }
  if (kohya == peft)
    throw WeightsError(path + ": not a LoRA file SD Studio reads (expected kohya's lora_unet_…/lora_te… keys or "
                              "diffusers' ….lora_A.weight keys)");
  if (peft) {  // PEFT's save_pretrained names modules from the PeftModel wrapper
    const std::string wrapper = "base_model.model.";
    std::map<std::string, at::Tensor> unwrapped;
    for (auto& [key, tensor] : tensors) unwrapped[startsWith(key, wrapper) ? key.substr(wrapper.size()) : key] = tensor;
    tensors = std::move(unwrapped);
  }
  const std::string downSuffix = kohya ? ".lora_down.weight" : ".lora_A.weight";
  const std::string upSuffix = kohya ? ".lora_up.weight" : ".lora_B.weight";
  const PeftScales scales = peft ? peftScalesOf(path, file) : PeftScales{};
  const double kohyaFileAlpha = kohya ? metadataAlpha(file) : -1;

  struct Named {
    const Target* target;
    bool prefixed;  // the name carries the component prefix
  };
  const std::vector<Target> targets = targetsOf(model);
  std::map<std::string, Named> byName;
  for (const Target& t : targets) {
    if (kohya) {
      byName.emplace(t.kohya, Named{&t, true});
      continue;
    }
    for (const std::string& alias : peftAliases(t)) byName.emplace(alias, Named{&t, startsWith(alias, t.component + ".")});
  }
  // Everything is checked before anything is attached, so a file that fails leaves the model as it was.
  struct Pending {
    const Target* target;
    at::Tensor down, up;
    double alpha;
  };
  std::vector<Pending> pending;
  std::set<const torch::nn::LinearImpl*> adapted;
  for (const auto& [key, down] : tensors) {
    if (!endsWith(key, downSuffix)) continue;
    const std::string base = key.substr(0, key.size() - downSuffix.size());
    const auto named = byName.find(base);
    if (named == byName.end())
      throw WeightsError(path + ": \"" + key + "\" fits no linear layer of this " + familyName(model.family) + " model");
    const auto upIt = tensors.find(base + upSuffix);
    if (upIt == tensors.end()) throw WeightsError(path + ": \"" + base + upSuffix + "\" is missing");
    const at::Tensor& up = upIt->second;
    const Target& target = *named->second.target;
    torch::nn::LinearImpl& linear = *target.linear;
    if (down.dim() != 2 || up.dim() != 2 || down.size(1) != linear.weight.size(1) || up.size(0) != linear.weight.size(0) ||
        up.size(1) != down.size(0))
      throw WeightsError(path + ": \"" + base + "\" does not fit its layer (a " + std::to_string(linear.weight.size(1)) +
                         " → " + std::to_string(linear.weight.size(0)) + " linear layer; convolution LoRAs are not "
                         "supported)");
    const int64_t rank = down.size(0);
    if (rank == 0) throw WeightsError(path + ": \"" + key + "\" has rank 0 (an adapter needs at least one row)");
    if (adapterOf(linear) || !adapted.insert(&linear).second)
      throw WeightsError(path + ": \"" + base + "\" adapts a layer that already has an adapter");
    if (!torch::isfinite(down).all().item<bool>() || !torch::isfinite(up).all().item<bool>())
      throw WeightsError(path + ": \"" + base + "\" holds values that are not finite numbers");
    double alpha = 0;
    if (kohya) {
      alpha = kohyaFileAlpha > 0 ? kohyaFileAlpha : static_cast<double>(rank);
      if (const auto a = tensors.find(base + ".alpha"); a != tensors.end()) {
        if (a->second.numel() != 1)
          throw WeightsError(path + ": \"" + base + ".alpha\" has " + std::to_string(a->second.numel()) +
                             " values; expected one number");
        alpha = a->second.to(torch::kFloat64).item<double>();
      }
    } else {
      alpha = scales.alphaOf(target, named->second.prefixed, static_cast<int>(rank));
    }
    if (!std::isfinite(alpha))
      throw WeightsError(path + ": the alpha of \"" + base + "\" is " + number(alpha) + "; expected a finite number");
    pending.push_back({&target, down, up, alpha});
  }
  if (pending.empty()) throw WeightsError(path + ": holds no LoRA weights");
  torch::NoGradGuard noGrad;
  for (const Pending& p : pending) {
    LoraAdapterImpl& adapter = attachAdapter(*p.target->linear, p.down.size(0), p.alpha);
    adapter.down->weight.copy_(p.down);
    adapter.up->weight.copy_(p.up);
  }
  return pending.size();
}

}  // namespace sds::models
