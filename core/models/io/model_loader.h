#pragma once
// One entry point for every model a user points SD Studio at: a diffusers folder or a single-file
// checkpoint in the original (LDM) layout, as A1111/ComfyUI users keep them.

#include <optional>
#include <string>

#include "models/stable_diffusion.h"

namespace sds::models {

struct ModelLoadOptions {
  // A diffusers folder whose component configs (and tokenizers, scheduler) describe a single-file
  // checkpoint: for models whose shapes do not reveal everything (attention heads of narrow models,
  // the prediction type of SD 2.x). Ignored for diffusers folders, which carry their own.
  std::string configFolder;
  // Overrides the scheduler's prediction type: "epsilon" or "v_prediction".
  std::optional<std::string> predictionType;
};

// A diffusers folder (model_index.json) or a .safetensors single-file checkpoint, in `dtype` on the
// CPU. Throws io::ConfigError, io::SafetensorsError, text::TokenizerError or WeightsError, each naming
// the file or key and what was expected.
StableDiffusionModel loadModel(const std::string& path, c10::ScalarType dtype, const ModelLoadOptions& options = {});

// A separately given VAE: a VAE folder (config.json and weights), a diffusers model folder (its vae/),
// or a .safetensors file in the original layout (keys "encoder.down.0…", with or without
// "first_stage_model."), whose config is derived from its shapes for `family`. float32 on the CPU.
AutoencoderKl loadVae(const std::string& path, ModelFamily family);

}  // namespace sds::models
