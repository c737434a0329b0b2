#include "models/io/single_file_model.h"
#include "models/blocks/layers.h"
#include "text/builtin_tokenizer.h"

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <set>
#include <sstream>

#include "io/config_error.h"
#include "io/safetensors.h"
#include "models/io/torch_tensors.h"
#include "models/io/ldm_configs.h"
#include "models/io/ldm_names.h"
#include "models/io/weights.h"
#include "util/log.h"

namespace sds::models {
namespace {

using ldm::Tensors;

std::string shapeText(at::IntArrayRef shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}

// Where one parameter of a module comes from in the file: a key, optionally a third of it along the
// first axis, optionally transposed, optionally reshaped (1×1 convolution kernels as linear weights).
struct Source {
  std::string key;
  int part = -1;
  bool transposed = false;
};

// Gathers every parameter and buffer of `module` from `file` (the component's tensors, prefix removed),
// checks shapes, and loads them. Keys under the prefix that no parameter uses are an error unless
// `ignorable` says they are known extras; so a checkpoint of another architecture never half-loads.
void loadComponent(torch::nn::Module& module, const Tensors& file, const std::string& prefix,
                   const std::function<Source(const std::string&)>& locate,
                   const std::function<bool(const std::string&)>& ignorable, const std::string& path,
                   const std::string& component) {
  Tensors converted;
  std::set<std::string> used;
  auto gather = [&](const std::string& name, const at::Tensor& target) {
    const Source source = locate(name);
    const auto it = file.find(source.key);
    if (it == file.end())
      throw WeightsError(path + ": \"" + prefix + source.key + "\" is missing (the " + component + "'s " + name + ")");
    at::Tensor value = it->second;
    if (source.part >= 0) {
      if (value.dim() < 1 || value.size(0) % 3 != 0)
        throw WeightsError(path + ": \"" + prefix + source.key + "\" has shape " + shapeText(value.sizes()) +
                           "; expected q, k and v stacked along the first axis");
      value = value.chunk(3, 0)[source.part];
    }
    if (source.transposed && value.dim() == 2) value = value.t();
    // The LDM VAE's attention projections are 1×1 convolutions where diffusers has linear layers.
    if (value.dim() == 4 && target.dim() == 2 && value.size(2) == 1 && value.size(3) == 1) value = value.flatten(1);
    if (value.sizes() != target.sizes())
      throw WeightsError(path + ": \"" + prefix + source.key + "\" has shape " + shapeText(it->second.sizes()) +
                         ", the " + component + " derived from this file expects " + shapeText(target.sizes()) +
                         " for " + name);
    converted.emplace(name, value);
    used.insert(source.key);
  };
  for (const auto& item : module.named_parameters()) gather(item.key(), item.value());
  for (const auto& item : module.named_buffers()) gather(item.key(), item.value());
  for (const auto& [key, tensor] : file)
    if (!used.count(key) && !ignorable(key))
      throw WeightsError(path + ": unexpected weight \"" + prefix + key + "\" for the " + component +
                         " derived from this file");
  loadWeights(module, converted, path);
}

bool none(const std::string&) { return false; }

// A transformers-layout CLIP text encoder (SD 1.x, SDXL's first encoder).
ClipTextModel loadClip(const Tensors& all, const std::string& prefix, const ClipTextConfig& config,
                       c10::ScalarType dtype, const std::string& path) {
  const Tensors file = ldm::withPrefix(all, prefix);
  const bool nested = file.count("text_model.embeddings.token_embedding.weight") > 0;
  ClipTextModel model = [&] {
    WeightsWillBeLoaded loading(dtype, path, valueCount(file));
    return ClipTextModel(config);
  }();
  model->to(dtype);
  loadComponent(
      *model, file, prefix, [&](const std::string& name) { return Source{(nested ? "text_model." : "") + name}; },
      [](const std::string& key) { return clipTextParameterName(key).empty(); }, path, "text encoder");
  model->eval();
  return model;
}

// An OpenCLIP text tower (SD 2.x, SDXL's second encoder), in transformers' structure.
ClipTextModel loadOpenClip(const Tensors& all, const std::string& prefix, const ClipTextConfig& config,
                           c10::ScalarType dtype, const std::string& path) {
  const Tensors file = ldm::withPrefix(all, prefix);
  ClipTextModel model = [&] {
    WeightsWillBeLoaded loading(dtype, path, valueCount(file));
    return ClipTextModel(config);
  }();
  model->to(dtype);
  const std::string firstUnused = "transformer.resblocks." + std::to_string(config.numHiddenLayers) + ".";
  loadComponent(
      *model, file, prefix,
      [](const std::string& name) {
        const ldm::OpenClipLocation at = ldm::openClipName(name);
        return Source{at.name, at.part, at.transposed};
      },
      [&](const std::string& key) {
        // Not part of the diffusers model: the contrastive temperature, the causal mask some files
        // store, SD 2.x's unused projection and its last block (SD 2.x conditions on the one before).
        return key == "logit_scale" || key == "attn_mask" || (key == "text_projection" && !config.withProjection) ||
               key.compare(0, firstUnused.size(), firstUnused) == 0;
      },
      path, config.withProjection ? "second text encoder" : "text encoder");
  model->eval();
  return model;
}

}  // namespace

// diffusers' standard scheduler of the family (what its pipelines use when the file carries none).
diffusion::SchedulerConfig ldm::standardScheduler(ModelFamily family, const Tensors& all,
                                             const std::map<std::string, std::string>& metadata) {
  diffusion::SchedulerConfig s = diffusion::stableDiffusionSchedule("epsilon");
  s.className = family == ModelFamily::SDXL ? "EulerDiscreteScheduler" : "PNDMScheduler";
  // SD 2.x's 768 px models predict v; ComfyUI-style files mark v-prediction and zero-terminal-SNR
  // training with empty "v_pred" and "ztsnr" tensors.
  s.predictionType = family == ModelFamily::SD2 || all.count("v_pred") ? "v_prediction" : "epsilon";
  // Stability's ModelSpec metadata says it outright when present.
  const auto spec = metadata.find("modelspec.prediction_type");
  if (spec != metadata.end() && (spec->second == "epsilon" || spec->second == "v"))
    s.predictionType = spec->second == "v" ? "v_prediction" : "epsilon";
  if (all.count("ztsnr")) {
    s.rescaleBetasZeroSnr = true;
    s.timestepSpacing = "trailing";
  }
  return s;
}

StableDiffusionModel loadSingleFileModel(const std::string& path, c10::ScalarType dtype,
                                         const std::string& configFolder) {
  namespace fs = std::filesystem;
  // Opening refuses PyTorch pickles (.ckpt/.pt/.bin) with a message on how to convert them.
  const io::SafetensorsFile file = io::SafetensorsFile::open(path);
  const Tensors all = io::loadTensors(file);
  const fs::path config(configFolder);
  const bool external = !configFolder.empty();
  if (external && !fs::is_directory(config))
    throw io::ConfigError(configFolder + ": not a folder (expected a diffusers model folder to take configs from)");
  auto componentConfig = [&](const char* component) { return (config / component / "config.json").string(); };

  StableDiffusionModel model;
  model.family = ldm::detectFamily(all, path);
  const bool xl = model.family == ModelFamily::SDXL;
  auto require = [&](const std::string& prefix, const char* component) {
    if (!ldm::hasPrefix(all, prefix))
      throw io::ConfigError(path + ": the " + std::string(component) + " (" + prefix + "*) is missing from this " +
                            familyName(model.family) + " checkpoint");
  };

  // Text encoders first: SDXL's pooled embedding width shapes the UNet's added conditioning.
  if (model.family == ModelFamily::SD1) {
    require(ldm::kSd1TextPrefix, "text encoder");
    const ClipTextConfig c = external ? ClipTextConfig::fromFile(componentConfig("text_encoder"))
                                      : ldm::clipConfig(ldm::withPrefix(all, ldm::kSd1TextPrefix), path);
    model.textEncoder = loadClip(all, ldm::kSd1TextPrefix, c, dtype, path);
  } else if (model.family == ModelFamily::SD2) {
    require(ldm::kSd2TextPrefix, "text encoder");
    // Original SD 2.x files hold OpenCLIP's whole tower (with its projection) and condition on the
    // second-to-last block; files converted from diffusers hold only the blocks it keeps.
    const bool original = all.count(std::string(ldm::kSd2TextPrefix) + "text_projection") > 0;
    const ClipTextConfig c =
        external ? ClipTextConfig::fromFile(componentConfig("text_encoder"))
                 : ldm::openClipConfig(ldm::withPrefix(all, ldm::kSd2TextPrefix), original, false, path);
    model.textEncoder = loadOpenClip(all, ldm::kSd2TextPrefix, c, dtype, path);
  } else {
    require(ldm::kSdxlText1Prefix, "first text encoder");
    require(ldm::kSdxlText2Prefix, "second text encoder");
    const ClipTextConfig c1 = external ? ClipTextConfig::fromFile(componentConfig("text_encoder"))
                                       : ldm::clipConfig(ldm::withPrefix(all, ldm::kSdxlText1Prefix), path);
    const ClipTextConfig c2 = external
                                  ? ClipTextConfig::fromFile(componentConfig("text_encoder_2"))
                                  : ldm::openClipConfig(ldm::withPrefix(all, ldm::kSdxlText2Prefix), false, true, path);
    if (!c2.withProjection)
      throw io::ConfigError(componentConfig("text_encoder_2") + ": SDXL's second text encoder must be a "
                                                                "CLIPTextModelWithProjection");
    model.textEncoder = loadClip(all, ldm::kSdxlText1Prefix, c1, dtype, path);
    model.textEncoder2 = loadOpenClip(all, ldm::kSdxlText2Prefix, c2, dtype, path);
  }

  require(ldm::kUNetPrefix, "UNet");
  const Tensors unetFile = ldm::withPrefix(all, ldm::kUNetPrefix);
  const UNetConfig unetConfig =
      external ? UNetConfig::fromFile(componentConfig("unet"))
               : ldm::unetConfig(unetFile, model.family, xl ? model.textEncoder2->config.projectionDim : 0, path);
  {
    WeightsWillBeLoaded loading(dtype, path, valueCount(unetFile));
    model.unet = UNet2DConditionModel(unetConfig);
  }
  model.unet->to(dtype);
  loadComponent(
      *model.unet, unetFile, ldm::kUNetPrefix,
      [&](const std::string& name) { return Source{ldm::unetName(name, unetConfig)}; }, none, path, "UNet");
  model.unet->eval();

  require(ldm::kVaePrefix, "VAE");
  const Tensors vaeFile = ldm::withPrefix(all, ldm::kVaePrefix);
  const AutoencoderKlConfig vaeConfig = external ? AutoencoderKlConfig::fromFile(componentConfig("vae"))
                                                 : ldm::vaeConfig(vaeFile, model.family, path);
  {
    WeightsWillBeLoaded loading(dtype, path, valueCount(vaeFile));
    model.vae = AutoencoderKl(vaeConfig);
  }
  model.vae->to(dtype);
  loadComponent(
      *model.vae, vaeFile, ldm::kVaePrefix,
      [&](const std::string& name) { return Source{ldm::vaeName(name, vaeConfig)}; },
      // The LDM VAE's training loss (discriminator, LPIPS) sometimes travels with it.
      [](const std::string& key) { return key.compare(0, 5, "loss.") == 0; }, path, "VAE");
  model.vae->eval();

  if (external) {
    model.tokenizer.emplace(text::ClipTokenizer::fromFolder((config / "tokenizer").string()));
    if (xl) model.tokenizer2.emplace(text::ClipTokenizer::fromFolder((config / "tokenizer_2").string()));
    model.scheduler = diffusion::SchedulerConfig::fromFile((config / "scheduler" / "scheduler_config.json").string());
  } else {
    // SD 2.x's OpenCLIP tokenizer and SDXL's second one pad with "!" (id 0), as in diffusers.
    model.tokenizer.emplace(text::builtInClipTokenizer(model.family == ModelFamily::SD2 ? "!" : "<|endoftext|>"));
    if (xl) model.tokenizer2.emplace(text::builtInClipTokenizer("!"));
    const std::map<std::string, std::string>& metadata = file.metadata();
    model.scheduler = ldm::standardScheduler(model.family, all, metadata);
    if (model.family == ModelFamily::SD2 && !metadata.count("modelspec.prediction_type"))
      log::info(path + ": SD 2.x checkpoint, assuming v-prediction (the 768 px models); for the 512 px base "
                       "models set the prediction type to epsilon");
  }
  return model;
}

AutoencoderKl loadSingleFileVae(const std::string& path, ModelFamily family, c10::ScalarType dtype) {
  const Tensors all = io::loadTensors(io::SafetensorsFile::open(path));
  const bool prefixed = ldm::hasPrefix(all, ldm::kVaePrefix);
  const Tensors vaeFile = prefixed ? ldm::withPrefix(all, ldm::kVaePrefix) : all;
  if (!vaeFile.count("encoder.conv_in.weight"))
    throw WeightsError(path + ": not a VAE in the original layout (no \"encoder.conv_in.weight\"); give a VAE "
                       "folder with config.json instead");
  const AutoencoderKlConfig config = ldm::vaeConfig(vaeFile, family, path);
  AutoencoderKl vae = [&] {
    WeightsWillBeLoaded loading(dtype, path, valueCount(vaeFile));
    return AutoencoderKl(config);
  }();
  vae->to(dtype);
  loadComponent(
      *vae, vaeFile, prefixed ? ldm::kVaePrefix : "",
      [&](const std::string& name) { return Source{ldm::vaeName(name, config)}; },
      // The LDM VAE's training loss (discriminator, LPIPS) sometimes travels with it.
      [](const std::string& key) { return key.compare(0, 5, "loss.") == 0; },
      path, "VAE");
  vae->eval();
  return vae;
}

}  // namespace sds::models
