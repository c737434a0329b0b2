#pragma once
// Single-file checkpoints in the original Stable Diffusion (LDM) layout, as A1111 and ComfyUI users keep
// them: model.diffusion_model.* (UNet), first_stage_model.* (VAE), cond_stage_model.* (SD 1.x CLIP,
// SD 2.x OpenCLIP) or conditioner.embedders.* (SDXL's two encoders), in one .safetensors file.

#include <string>

#include "models/stable_diffusion.h"

namespace sds::models {

// Detects the family from the keys and shapes, derives each component's config and converts the key
// names. configFolder (optional) is a diffusers folder whose configs, tokenizers and scheduler are used
// instead of the family's standard ones. Throws io::ConfigError, io::SafetensorsError or WeightsError.
StableDiffusionModel loadSingleFileModel(const std::string& path, c10::ScalarType dtype,
                                         const std::string& configFolder = {});

}  // namespace sds::models
