#pragma once
// Single-file checkpoints in the original Stable Diffusion (LDM) layout, as A1111 and ComfyUI users keep
// them: model.diffusion_model.* (UNet), first_stage_model.* (VAE), cond_stage_model.* (SD 1.x CLIP,
// SD 2.x OpenCLIP) or conditioner.embedders.* (SDXL's two encoders), in one .safetensors file.
// Names are converted by models/ldm_names.h in both directions.

#include <map>
#include <string>

#include "models/stable_diffusion.h"

namespace sds::models {

// Detects the family from the keys and shapes, derives each component's config and converts the key
// names. configFolder (optional) is a diffusers folder whose configs, tokenizers and scheduler are used
// instead of the family's standard ones. Throws io::ConfigError, io::SafetensorsError or WeightsError.
StableDiffusionModel loadSingleFileModel(const std::string& path, c10::ScalarType dtype,
                                         const std::string& configFolder = {});

// A VAE alone in the original layout (keys "encoder.down.0…", with or without "first_stage_model."),
// its config derived from the shapes for `family`, in `dtype` on the CPU.
AutoencoderKl loadSingleFileVae(const std::string& path, ModelFamily family, c10::ScalarType dtype = c10::kFloat);

}  // namespace sds::models

namespace sds::models {

// Writes the model as one original-layout .safetensors checkpoint in `dtype` (float32, float16 or
// bfloat16), atomically, readable by A1111, ComfyUI and loadSingleFileModel. Text encoders are written
// as diffusers' conversion writes them (transformers CLIP under "text_model.", OpenCLIP with only the
// blocks the model uses). Throws io::SafetensorsError.
void saveSingleFileModel(StableDiffusionModel& model, const std::string& path, c10::ScalarType dtype,
                         const std::map<std::string, std::string>& metadata = {});

}  // namespace sds::models
