#pragma once
// Writing models as diffusers folders, the inverse of loadDiffusersModel: model_index.json, each
// component's config.json (diffusers' and transformers' field names, so diffusers loads the folder too)
// with its weights in .safetensors, the tokenizers and the scheduler config.

#include <string>

#include "models/stable_diffusion.h"

namespace sds::models {

// The whole model, weights in `dtype` (float32, float16 or bfloat16). The folder is written beside the
// destination and renamed into place, so an existing model there is replaced only by a complete one.
// Throws std::invalid_argument when LoRA adapters are attached (save them with saveLora), and
// std::runtime_error or io::SafetensorsError naming the file that could not be written.
void saveDiffusersModel(StableDiffusionModel& model, const std::string& folder, c10::ScalarType dtype);

// One VAE folder (config.json + diffusion_pytorch_model.safetensors), as loadAutoencoderKl and
// model.vae read it; written the same way.
void saveAutoencoderKl(AutoencoderKlImpl& vae, const std::string& folder, c10::ScalarType dtype);

}  // namespace sds::models
