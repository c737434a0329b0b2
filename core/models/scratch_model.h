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

// CLIP's BPE vocabulary built into the programs, with `padToken` for padding (SD 1.x and SDXL's first
// tokenizer pad with "<|endoftext|>", OpenCLIP's with "!"): for models that carry no tokenizer.
text::ClipTokenizer builtInClipTokenizer(const std::string& padToken);

// Stable Diffusion's training schedule (scaled-linear betas 0.00085…0.012 over 1000 steps) as its
// scheduler configs carry it, with diffusers' DDIM defaults for sampling.
diffusion::SchedulerConfig stableDiffusionSchedule(const std::string& predictionType);

// A separately given VAE: a VAE folder (config.json and weights), a diffusers model folder (its vae/),
// or a .safetensors file in the original layout (keys "encoder.down.0…", with or without
// "first_stage_model."), whose config is derived from its shapes for `family`. float32 on the CPU.
AutoencoderKl loadVae(const std::string& path, ModelFamily family);

}  // namespace sds::models
