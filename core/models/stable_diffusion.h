#pragma once
// A complete Stable Diffusion model as the pipelines use it: tokenizer(s), text encoder(s), UNet, VAE
// and the scheduler config, loaded from a diffusers folder.

#include <optional>
#include <string>

#include "diffusion/scheduler_config.h"
#include "models/autoencoder_kl.h"
#include "models/clip_text_model.h"
#include "models/unet_2d_condition.h"
#include "text/clip_tokenizer.h"

namespace sds::models {

enum class ModelFamily { SD1, SD2, SDXL };
std::string familyName(ModelFamily family);  // "SD 1.x", "SD 2.x", "SDXL"

struct StableDiffusionModel {
  ModelFamily family = ModelFamily::SD1;
  std::optional<text::ClipTokenizer> tokenizer, tokenizer2;
  ClipTextModel textEncoder{nullptr}, textEncoder2{nullptr};  // textEncoder2: SDXL only
  UNet2DConditionModel unet{nullptr};
  AutoencoderKl vae{nullptr};
  diffusion::SchedulerConfig scheduler;
  bool forceZerosForEmptyPrompt = true;  // SDXL: an absent negative prompt is a zero embedding

  // Moves every network to `device` and `dtype` (the VAE of SDXL stays float32 when it asks to be
  // upcast, as its fp16 decode overflows).
  void to(const c10::Device& device, c10::ScalarType dtype);
};

// Reads model_index.json and each component folder; errors name the file and what is wrong.
StableDiffusionModel loadDiffusersModel(const std::string& folder, c10::ScalarType dtype);

// SD 1.x, 2.x or SDXL from the components' configs.
ModelFamily detectFamily(const UNetConfig& unet, const ClipTextConfig& textEncoder);

}  // namespace sds::models
