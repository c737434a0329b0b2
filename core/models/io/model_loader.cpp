#include "models/io/model_loader.h"

#include <torch/torch.h>

#include <filesystem>

#include "io/config_error.h"
#include "io/safetensors.h"
#include "models/autoencoder_kl.h"
#include "models/io/single_file_model.h"

namespace sds::models {

StableDiffusionModel loadModel(const std::string& path, c10::ScalarType dtype, const ModelLoadOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  StableDiffusionModel model;
  if (fs::is_directory(path, ec)) {
    model = loadDiffusersModel(path, dtype);
  } else if (!fs::exists(path, ec)) {
    throw io::ConfigError(path + ": no such file or folder (expected a diffusers model folder or a .safetensors "
                                 "checkpoint)");
  } else {
    model = loadSingleFileModel(path, dtype, options.configFolder);
  }
  if (options.predictionType) {
    if (*options.predictionType != "epsilon" && *options.predictionType != "v_prediction")
      throw io::ConfigError("prediction type \"" + *options.predictionType +
                            "\" is not supported; expected epsilon or v_prediction");
    model.scheduler.predictionType = *options.predictionType;
  }
  return model;
}

AutoencoderKl loadVae(const std::string& path, ModelFamily family) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  if (fs::is_directory(p)) {
    if (fs::exists(p / "config.json")) return loadAutoencoderKl(path, torch::kFloat32);
    if (fs::exists(p / "vae" / "config.json")) return loadAutoencoderKl((p / "vae").string(), torch::kFloat32);
    throw io::ConfigError(path + ": neither a VAE folder (config.json with weights) nor a model folder with vae/");
  }
  return loadSingleFileVae(path, family);
}

}  // namespace sds::models
