#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "diffusion/samplers.h"

namespace sds::diffusion {

std::vector<double> karrasSigmas(double sigmaMin, double sigmaMax, int steps) {
  constexpr double rho = 7.0;
  const double minInvRho = std::pow(sigmaMin, 1 / rho), maxInvRho = std::pow(sigmaMax, 1 / rho);
  std::vector<double> sigmas;
  for (int i = 0; i < steps; ++i) {
    const double ramp = steps == 1 ? 0.0 : double(i) / (steps - 1);
    sigmas.push_back(std::pow(maxInvRho + ramp * (minInvRho - maxInvRho), rho));
  }
  return sigmas;
}

double sigmaToTimestep(double sigma, const std::vector<double>& logSigmas) {
  const double logSigma = std::log(std::max(sigma, 1e-10));
  // The last index whose log-sigma is at most logSigma, kept below the end so it has a neighbour.
  std::size_t low = 0;
  for (std::size_t i = 0; i < logSigmas.size(); ++i)
    if (logSigma - logSigmas[i] >= 0) low = i;
  low = std::min(low, logSigmas.size() - 2);
  const double w = std::clamp((logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1]), 0.0, 1.0);
  return (1 - w) * double(low) + w * double(low + 1);
}

at::Tensor predictOriginal(const std::string& predictionType, const at::Tensor& modelOutput, const at::Tensor& sample,
                           double sigma) {
  if (predictionType == "epsilon") return sample - sigma * modelOutput;
  if (predictionType == "v_prediction")
    return modelOutput * (-sigma / std::sqrt(sigma * sigma + 1)) + sample / (sigma * sigma + 1);
  return modelOutput;
}

void EulerSampler::setTimesteps(int steps) {
  const SchedulerConfig& c = schedule_.config();
  const std::string spacing = c.timestepSpacing.value_or("linspace");
  timesteps_ = spacedTimesteps(spacing, c.numTrainTimesteps, steps, c.stepsOffset, false);
  const std::vector<double> training = schedule_.trainingSigmas();
  sigmas_.clear();
  for (double t : timesteps_) sigmas_.push_back(asFloat32(interpolate(training, t)));
  if (c.useKarrasSigmas) {
    std::vector<double> logSigmas;
    for (double s : training) logSigmas.push_back(std::log(s));
    sigmas_ = karrasSigmas(sigmas_.back(), sigmas_.front(), steps);
    for (std::size_t i = 0; i < sigmas_.size(); ++i) {
      sigmas_[i] = asFloat32(sigmas_[i]);
      timesteps_[i] = asFloat32(sigmaToTimestep(sigmas_[i], logSigmas));
    }
  }
  sigmas_.push_back(c.finalSigmasType == "sigma_min" ? asFloat32(training.front()) : 0.0);
  const double maxSigma = *std::max_element(sigmas_.begin(), sigmas_.end());
  initNoiseSigma_ = (spacing == "linspace" || spacing == "trailing") ? maxSigma : std::sqrt(maxSigma * maxSigma + 1);
}

at::Tensor EulerSampler::scaleModelInput(const at::Tensor& sample, std::size_t index) const {
  const double sigma = sigmas_.at(index);
  return sample / std::sqrt(sigma * sigma + 1);
}

at::Tensor EulerSampler::step(const at::Tensor& modelOutput, std::size_t index, const at::Tensor& sample,
                              at::Generator* generator) {
  // Half-precision samples are stepped in float32, as diffusers does, to keep small updates.
  const bool reduced = sample.scalar_type() == torch::kFloat16 || sample.scalar_type() == torch::kBFloat16;
  const auto computeType = reduced ? torch::kFloat32 : sample.scalar_type();
  const at::Tensor x = sample.to(computeType);
  const at::Tensor out = modelOutput.to(computeType);
  const double sigma = sigmas_.at(index), sigmaNext = sigmas_.at(index + 1);
  const at::Tensor original = predictOriginal(predictionType(), out, x, sigma);
  const at::Tensor derivative = (x - original) / sigma;
  if (!ancestral_) return (x + derivative * (sigmaNext - sigma)).to(modelOutput.scalar_type());

  const double sigmaUp = std::sqrt(sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext) / (sigma * sigma));
  const double sigmaDown = std::sqrt(sigmaNext * sigmaNext - sigmaUp * sigmaUp);
  const at::Tensor noise = at::randn(x.sizes(), generator ? c10::optional<at::Generator>(*generator) : c10::nullopt,
                                     x.options());
  return (x + derivative * (sigmaDown - sigma) + noise * sigmaUp).to(modelOutput.scalar_type());
}

}  // namespace sds::diffusion
