#pragma once
// Models created with fresh random weights instead of loaded: the real architectures (to pre-train or
// benchmark without a download) and the small one of the built-in demo.

#include <cstdint>
#include <string>

#include "models/stable_diffusion.h"

namespace sds::models {

// "sd1", "sd2" (epsilon), "sd2-v" (v-prediction), "sdxl", or "tiny": a model of about 10 M parameters
// for 64 px images that learns simple scenes on a CPU in minutes. Weights are initialised from `seed`
// as PyTorch initialises each layer, tokenizers are the built-in CLIP vocabulary, and the scheduler is
// Stable Diffusion's DDPM schedule. float32 on the CPU. Throws std::invalid_argument for other names.
StableDiffusionModel createScratchModel(const std::string& architecture, std::uint64_t seed);

}  // namespace sds::models
