#include "models/stable_diffusion.h"

#include <torch/torch.h>

#include <filesystem>

#include "io/json_config.h"

namespace sds::models {

std::string familyName(ModelFamily family) {
  switch (family) {
    case ModelFamily::SD1: return "SD 1.x";
    case ModelFamily::SD2: return "SD 2.x";
    case ModelFamily::SDXL: return "SDXL";
  }
  return "";
}

ModelFamily detectFamily(const UNetConfig& unet, const ClipTextConfig& textEncoder) {
  if (unet.additionEmbedType == "text_time") return ModelFamily::SDXL;
  // SD 2.x uses OpenCLIP's text tower (gelu) where SD 1.x uses OpenAI CLIP (quick_gelu).
  return textEncoder.hiddenAct == "gelu" ? ModelFamily::SD2 : ModelFamily::SD1;
}

void StableDiffusionModel::to(const c10::Device& device, c10::ScalarType dtype) {
  textEncoder->to(device, dtype);
  if (textEncoder2) textEncoder2->to(device, dtype);
  unet->to(device, dtype);
  const bool upcastVae = vae->config.forceUpcast && (dtype == torch::kFloat16 || dtype == torch::kBFloat16);
  vae->to(device, upcastVae ? torch::kFloat32 : dtype);
}

StableDiffusionModel loadDiffusersModel(const std::string& folder, c10::ScalarType dtype) {
  namespace fs = std::filesystem;
  const fs::path root(folder);
  if (!fs::is_directory(root)) throw io::ConfigError(folder + ": not a folder (expected a diffusers model folder)");
  const io::JsonConfig index =
      io::JsonConfig::fromFile((root / "model_index.json").string(), "a diffusers model_index.json");
  auto component = [&](const char* name) {
    if (!index.has(name)) index.fail(name, "is missing: the model has no " + std::string(name) + " component");
    return (root / name).string();
  };

  StableDiffusionModel model;
  index.read("force_zeros_for_empty_prompt", model.forceZerosForEmptyPrompt);
  model.tokenizer.emplace(text::ClipTokenizer::fromFolder(component("tokenizer")));
  model.textEncoder = loadClipTextModel(component("text_encoder"), dtype);
  model.unet = loadUNet(component("unet"), dtype);
  model.vae = loadAutoencoderKl(component("vae"), dtype);
  model.scheduler = diffusion::SchedulerConfig::fromFile(component("scheduler") + "/scheduler_config.json");
  model.family = detectFamily(model.unet->config, model.textEncoder->config);
  if (model.family == ModelFamily::SDXL) {
    model.tokenizer2.emplace(text::ClipTokenizer::fromFolder(component("tokenizer_2")));
    model.textEncoder2 = loadClipTextModel(component("text_encoder_2"), dtype);
    if (!model.textEncoder2->config.withProjection)
      throw io::ConfigError(component("text_encoder_2") + ": SDXL's second text encoder must be a "
                            "CLIPTextModelWithProjection");
  }
  return model;
}

}  // namespace sds::models
