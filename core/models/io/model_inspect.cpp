#include "models/io/model_inspect.h"

#include <filesystem>

#include "models/io/component_weights.h"
#include "io/config_error.h"
#include "io/safetensors.h"
#include "models/io/torch_tensors.h"
#include "models/io/ldm_configs.h"
#include "models/io/ldm_names.h"

namespace sds::models {
namespace {

namespace fs = std::filesystem;
using Tensors = std::map<std::string, at::Tensor>;

std::int64_t parameterCount(const Tensors& tensors) {
  std::int64_t count = 0;
  for (const auto& [name, tensor] : tensors) count += tensor.numel();
  return count;
}

std::string storedDtype(const io::SafetensorsFile& file, const std::string& prefix) {
  for (const io::TensorInfo& t : file.tensors())
    if (t.name.compare(0, prefix.size(), prefix) == 0) return std::string(io::dtypeName(t.dtype));
  return {};
}

std::string storedDtype(const Tensors& tensors) {
  if (tensors.empty()) return {};
  switch (tensors.begin()->second.scalar_type()) {
    case at::kHalf: return "F16";
    case at::kBFloat16: return "BF16";
    case at::kFloat: return "F32";
    default: return std::string(tensors.begin()->second.dtype().name());
  }
}

ModelSummary inspectDiffusers(const std::string& folder) {
  const fs::path root(folder);
  if (!fs::exists(root / "model_index.json"))
    throw io::ConfigError(folder + ": no model_index.json, so this is not a diffusers model folder (expected "
                          "model_index.json with unet/, vae/, text_encoder/, tokenizer/ and scheduler/ beside it)");
  auto component = [&](const char* name) {
    const fs::path dir = root / name;
    if (!fs::is_directory(dir))
      throw io::ConfigError(folder + ": the " + std::string(name) + "/ folder is missing");
    return dir.string();
  };
  ModelSummary summary;
  summary.path = folder;
  summary.layout = "diffusers";
  const UNetConfig unet = UNetConfig::fromFile(component("unet") + "/config.json");
  const ClipTextConfig text = ClipTextConfig::fromFile(component("text_encoder") + "/config.json");
  const AutoencoderKlConfig vae = AutoencoderKlConfig::fromFile(component("vae") + "/config.json");
  const diffusion::SchedulerConfig scheduler =
      diffusion::SchedulerConfig::fromFile(component("scheduler") + "/scheduler_config.json");
  summary.family = detectFamily(unet, text);
  summary.predictionType = scheduler.predictionType;
  summary.zeroTerminalSnr = scheduler.rescaleBetasZeroSnr;
  summary.resolution = unet.sampleSize * (std::int64_t{1} << (vae.blockOutChannels.size() - 1));

  // Opening the weights validates their headers; the tensors are views of the mapped files.
  const Tensors unetWeights = io::loadComponentWeights(component("unet"), "diffusion_pytorch_model");
  summary.unetParameters = parameterCount(unetWeights);
  summary.weightsDtype = storedDtype(unetWeights);
  io::loadComponentWeights(component("vae"), "diffusion_pytorch_model");
  io::loadComponentWeights(component("text_encoder"), "model");
  component("tokenizer");
  summary.components = {"unet", "vae", "text_encoder", "tokenizer", "scheduler"};
  if (summary.family == ModelFamily::SDXL) {
    const ClipTextConfig text2 = ClipTextConfig::fromFile(component("text_encoder_2") + "/config.json");
    if (!text2.withProjection)
      throw io::ConfigError(component("text_encoder_2") + ": SDXL's second text encoder must be a "
                                                           "CLIPTextModelWithProjection");
    io::loadComponentWeights(component("text_encoder_2"), "model");
    component("tokenizer_2");
    summary.components.insert(summary.components.end(), {"text_encoder_2", "tokenizer_2"});
  }
  return summary;
}

ModelSummary inspectSingleFile(const std::string& path) {
  const io::SafetensorsFile file = io::SafetensorsFile::open(path);
  const Tensors all = io::loadTensors(file);
  ModelSummary summary;
  summary.path = path;
  summary.layout = "single-file";
  summary.family = ldm::detectFamily(all, path);
  auto require = [&](const std::string& prefix, const char* component) {
    if (!ldm::hasPrefix(all, prefix))
      throw io::ConfigError(path + ": the " + std::string(component) + " (" + prefix + "*) is missing from this " +
                            familyName(summary.family) + " checkpoint");
    return ldm::withPrefix(all, prefix);
  };
  // The configs are derived from the shapes exactly as loading does, so a file refused here would be
  // refused there too.
  std::int64_t pooledWidth = 0;
  if (summary.family == ModelFamily::SD1) {
    ldm::clipConfig(require(ldm::kSd1TextPrefix, "text encoder"), path);
    summary.components = {"text_encoder"};
  } else if (summary.family == ModelFamily::SD2) {
    const Tensors text = require(ldm::kSd2TextPrefix, "text encoder");
    ldm::openClipConfig(text, text.count("text_projection") > 0, false, path);
    summary.components = {"text_encoder"};
  } else {
    ldm::clipConfig(require(ldm::kSdxlText1Prefix, "first text encoder"), path);
    pooledWidth = ldm::openClipConfig(require(ldm::kSdxlText2Prefix, "second text encoder"), false, true, path)
                      .projectionDim;
    summary.components = {"text_encoder", "text_encoder_2"};
  }
  const Tensors unetTensors = require(ldm::kUNetPrefix, "UNet");
  const UNetConfig unet = ldm::unetConfig(unetTensors, summary.family, pooledWidth, path);
  const AutoencoderKlConfig vae = ldm::vaeConfig(require(ldm::kVaePrefix, "VAE"), summary.family, path);
  summary.components.insert(summary.components.begin(), {"unet", "vae"});
  const diffusion::SchedulerConfig scheduler = ldm::standardScheduler(summary.family, all, file.metadata());
  summary.predictionType = scheduler.predictionType;
  summary.zeroTerminalSnr = scheduler.rescaleBetasZeroSnr;
  summary.resolution = unet.sampleSize * (std::int64_t{1} << (vae.blockOutChannels.size() - 1));
  summary.unetParameters = parameterCount(unetTensors);
  summary.weightsDtype = storedDtype(file, ldm::kUNetPrefix);
  return summary;
}

}  // namespace

ModelSummary inspectModel(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw io::ConfigError(path + ": no such file or folder");
  return fs::is_directory(path, ec) ? inspectDiffusers(path) : inspectSingleFile(path);
}

std::string describeFamily(const ModelSummary& summary) {
  std::string name = familyName(summary.family);
  if (summary.predictionType == "v_prediction") name += " v-prediction";
  return name;
}

}  // namespace sds::models
