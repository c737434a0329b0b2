#pragma once
// Samples during training: one image per configured prompt, always with the same seed, so that the
// images of different steps show what the model learned in between. PNGs carry their prompt, seed and
// step as text entries (keys "prompt", "seed", "step", plus A1111's "parameters").

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/stable_diffusion.h"
#include "train/train_settings.h"

namespace sds::train {

struct WrittenSample {
  std::string path;
  std::string prompt;
  std::uint64_t seed = 0;
};

// Generates and writes the samples of `step` into settings.samplesFolder() as
// step-00000500-p00.png, … The model is put in eval mode and back in its previous mode.
// `written` is called after each file.
std::vector<WrittenSample> writeSamples(models::StableDiffusionModel& model, const TrainSettings& settings,
                                        std::int64_t step,
                                        const std::function<void(const WrittenSample&)>& written = {});

struct Reconstruction {
  std::string path;
  double meanSquaredError = 0;  // pixels in [-1, 1]
};

// A VAE run's sample: `pixels` ([N, 3, H, W] in [-1, 1]) encoded (the posterior's mean) and decoded,
// written as one image with the inputs above their reconstructions: step-00000500-recon.png.
Reconstruction writeReconstructions(models::StableDiffusionModel& model, const TrainSettings& settings, std::int64_t step,
                                    const at::Tensor& pixels);

}  // namespace sds::train
