#pragma once
// LoRA files in the two layouts other tools load:
//  * kohya (A1111, ComfyUI, sd-scripts): "lora_unet_<module>.lora_down.weight", ".lora_up.weight" and
//    ".alpha", with module paths joined by "_"; SD 1.x/2.x UNets use diffusers' module names, SDXL's the
//    original layout's (input_blocks_4_1_…), text encoders "lora_te_" (SDXL: "lora_te1_", "lora_te2_")
//    + "text_model_…";
//  * diffusers/PEFT: "unet.<module>.lora_A.weight" and ".lora_B.weight", "text_encoder." (and
//    "text_encoder_2.") + "text_model.<module>", with r, lora_alpha and the target modules in the
//    metadata key "lora_adapter_metadata" as diffusers writes and reads it (models/io/peft_adapter_config.h).
//    Reading also takes text encoder names without "text_model." (transformers 5.6 on), files of one
//    model without the component prefix (diffusers' save_lora_adapter, PEFT's save_pretrained with its
//    "base_model.model." prefix and adapter_config.json beside it), and alpha = rank where no scale is given.
// Both carry kohya's metadata keys ss_network_dim and ss_network_alpha.

#include <map>
#include <string>

#include "models/stable_diffusion.h"

namespace sds::models {

enum class LoraFormat { Kohya, Peft };

// Writes the adapters attached to the model (models/lora.h), in `dtype`, atomically. Throws
// std::invalid_argument when no adapter is attached, io::SafetensorsError when the file cannot be written.
void saveLora(StableDiffusionModel& model, const std::string& path, LoraFormat format, c10::ScalarType dtype,
              const std::map<std::string, std::string>& metadata = {});

// Attaches the adapters of a LoRA file (either layout, recognised by its keys) to the model and returns
// how many. Throws WeightsError naming a key that fits no linear layer of the model or has the wrong shape.
std::size_t loadLora(StableDiffusionModel& model, const std::string& path);

}  // namespace sds::models
