#include "models/stable_diffusion.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
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

namespace {

// Why a folder without model_index.json is not a model, and what the user may have meant.
[[noreturn]] void notADiffusersFolder(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> safetensors, pickles;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(root, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const std::string name = entry.path().filename().string();
    if (ext == ".safetensors") safetensors.push_back(name);
    if (ext == ".ckpt" || ext == ".pt" || ext == ".pth" || ext == ".bin") pickles.push_back(name);
  }
  std::sort(safetensors.begin(), safetensors.end());
  std::sort(pickles.begin(), pickles.end());
  std::string message = root.string() + ": no model_index.json, so this is not a diffusers model folder";
  if (fs::exists(root / "config.json") || fs::exists(root / "scheduler_config.json") ||
      fs::exists(root / "vocab.json") || fs::exists(root / "tokenizer.json"))
    message += ". It looks like one component of a model: give the folder above it, which holds model_index.json";
  else if (!safetensors.empty())
    message += ". It holds " + safetensors.front() + ": to load a single-file checkpoint, give that file";
  else if (!pickles.empty())
    message += ". It holds only PyTorch pickle checkpoints (" + pickles.front() +
               "), which SD Studio never loads because unpickling can run code; convert the model to "
               ".safetensors with a tool you trust and give that file";
  else
    message += " (expected model_index.json with unet/, vae/, text_encoder/, tokenizer/ and scheduler/ beside it)";
  throw io::ConfigError(message);
}

}  // namespace

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
  std::error_code ec;
  if (!fs::exists(root / "model_index.json", ec)) notADiffusersFolder(root);
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
