#pragma once
// What a model file or folder is, found without loading its weights: the family, the prediction
// type, the native resolution and the UNet's size. The studio's model picker shows it (through
// `sdtrain model info`) before a run starts, and refuses what this refuses, with the same reason.

#include <cstdint>
#include <string>
#include <vector>

#include "models/stable_diffusion.h"

namespace sds::models {

struct ModelSummary {
  std::string path;
  std::string layout;          // "diffusers" or "single-file"
  ModelFamily family = ModelFamily::SD1;
  std::string predictionType;  // "epsilon" or "v_prediction"
  bool zeroTerminalSnr = false;
  std::int64_t resolution = 512;       // the UNet's native sample size in pixels
  std::int64_t unetParameters = 0;
  std::string weightsDtype;            // of the UNet's weights as stored: "F32", "F16", "BF16"
  std::vector<std::string> components; // "unet", "vae", "text_encoder", …
};

// Reads configs and tensor headers (weights are memory-mapped, never copied); every component the
// trainer needs must be present with shapes it can use. Throws io::ConfigError,
// io::SafetensorsError or text::TokenizerError naming the file and what is wrong, as loadModel would.
ModelSummary inspectModel(const std::string& path);

// "SD 1.x", "SD 2.x v-prediction", "SDXL": the family as the studio names it.
std::string describeFamily(const ModelSummary& summary);

}  // namespace sds::models
