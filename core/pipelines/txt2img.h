#pragma once
// Text to image, as diffusers' StableDiffusionPipeline and StableDiffusionXLPipeline: prompt
// encoding, classifier-free guidance with a negative prompt, the sampler loop and VAE decoding.

#include <ATen/core/Tensor.h>

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "models/stable_diffusion.h"
#include "models/vae_decoding.h"

namespace sds::pipelines {

struct Txt2ImgParams {
  std::string prompt;
  std::optional<std::string> negativePrompt;  // absent: SDXL uses a zero embedding (as diffusers)
  int steps = 25;
  double guidance = 7.5;  // > 1 turns classifier-free guidance on
  std::string sampler = "dpmpp_2m_karras";
  int width = 0, height = 0;  // 0: the UNet's native size (sample_size × 8)
  std::uint64_t seed = 0;
  int batch = 1;
  at::Tensor initLatents;  // [batch, C, H/f, W/f] (f: the VAE's scale factor) instead of drawn noise (reproducibility, debugging)
  // SDXL size conditioning; 0 means the output size / no crop.
  int originalWidth = 0, originalHeight = 0, cropTop = 0, cropLeft = 0;
  models::VaeTiling vaeTiling = models::VaeTiling::Auto;  // decoding one image at a time, large ones in tiles
};

struct Txt2ImgCallbacks {
  std::function<void(int step, int steps)> progress;  // after each step
  const std::atomic<bool>* cancel = nullptr;           // checked before each step
};

struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("generation cancelled") {}
};

// Images as float32 [batch, H, W, 3] in [0, 1] (what diffusers returns with output_type="np"), on
// the CPU. The model runs on the device and dtype it is on. Throws std::invalid_argument for bad
// parameters (naming them) and Cancelled when cancelled.
at::Tensor txt2img(models::StableDiffusionModel& model, const Txt2ImgParams& params,
                   const Txt2ImgCallbacks& callbacks = {});

}  // namespace sds::pipelines
