#include <torch/torch.h>

#include <cmath>

#include "diffusion/samplers.h"

namespace sds::diffusion {

void DdimSampler::setTimesteps(int steps) {
  const SchedulerConfig& c = schedule_.config();
  timesteps_ = spacedTimesteps(c.timestepSpacing.value_or("leading"), c.numTrainTimesteps, steps, c.stepsOffset, true);
  stepRatio_ = c.numTrainTimesteps / steps;
}

at::Tensor DdimSampler::step(const at::Tensor& modelOutput, std::size_t index, const at::Tensor& sample,
                             at::Generator*) {
  const SchedulerConfig& c = schedule_.config();
  const int t = static_cast<int>(timesteps_.at(index));
  const int prev = t - stepRatio_;
  const double alphaProd = schedule_.alphaCumprod(t);
  // Past the first training timestep, DDIM steps to ᾱ = 1 (a clean image) unless the config says otherwise.
  const double alphaProdPrev =
      prev >= 0 ? schedule_.alphaCumprod(prev) : (c.setAlphaToOne.value_or(true) ? 1.0 : schedule_.alphaCumprod(0));
  const double betaProd = 1.0 - alphaProd;

  at::Tensor original, epsilon;
  if (c.predictionType == "epsilon") {
    original = (sample - std::sqrt(betaProd) * modelOutput) / std::sqrt(alphaProd);
    epsilon = modelOutput;
  } else if (c.predictionType == "v_prediction") {
    original = std::sqrt(alphaProd) * sample - std::sqrt(betaProd) * modelOutput;
    epsilon = std::sqrt(alphaProd) * modelOutput + std::sqrt(betaProd) * sample;
  } else {  // sample
    original = modelOutput;
    epsilon = (sample - std::sqrt(alphaProd) * original) / std::sqrt(betaProd);
  }
  if (c.clipSample.value_or(true)) original = original.clamp(-c.clipSampleRange, c.clipSampleRange);
  return std::sqrt(alphaProdPrev) * original + std::sqrt(1.0 - alphaProdPrev) * epsilon;
}

}  // namespace sds::diffusion
