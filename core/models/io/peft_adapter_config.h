#pragma once
// The LoRA scale of diffusers/PEFT-layout files. Their tensors hold no alpha: PEFT's LoraConfig does
// (r, lora_alpha, rank_pattern and alpha_pattern for modules that differ, target_modules), and diffusers
// stores it in the safetensors metadata under "lora_adapter_metadata" as one JSON object whose keys
// carry the component's prefix ("unet.r", "unet.lora_alpha", "text_encoder.target_modules", …); PEFT's
// save_pretrained writes it as adapter_config.json beside adapter_model.safetensors. Torch-free.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sds::models {

inline constexpr const char* kLoraAdapterMetadataKey = "lora_adapter_metadata";

struct PeftLoraConfig {
  int r = 0;
  std::optional<double> loraAlpha;  // absent: alpha = rank (scale 1), diffusers' rule
  std::map<std::string, int> rankPattern;
  std::map<std::string, double> alphaPattern;
  std::vector<std::string> targetModules;

  // The alpha of a module (its name within the component): an alpha_pattern entry that is the name or
  // a dotted suffix of it, else lora_alpha, else the module's rank.
  double alphaOf(const std::string& module, int rank) const;
};

// One adapted module as it is written: its name within the component, its rank and alpha.
struct PeftModuleFacts {
  std::string module;
  int rank = 0;
  double alpha = 0;
};

// The "lora_adapter_metadata" JSON for adapters grouped by component prefix ("unet", "text_encoder", …):
// per component the most common rank and alpha as r and lora_alpha, the others as patterns.
std::string peftAdapterMetadata(const std::map<std::string, std::vector<PeftModuleFacts>>& components);

// Reads "lora_adapter_metadata" into configs by component prefix ("" for unprefixed keys, as a single
// model's save_lora_adapter writes them). Throws std::runtime_error naming
// `source` and the key when the JSON or a value is malformed.
std::map<std::string, PeftLoraConfig> readPeftAdapterMetadata(const std::string& json, const std::string& source);

// Reads PEFT's adapter_config.json (unprefixed keys). Throws std::runtime_error naming `source`.
PeftLoraConfig readPeftAdapterConfig(const std::string& json, const std::string& source);

}  // namespace sds::models
