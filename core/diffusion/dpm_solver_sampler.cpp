#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "diffusion/samplers.h"

namespace sds::diffusion {
namespace {

struct AlphaSigma {
  double alpha, sigma, lambda;  // lambda = log(alpha / sigma), the half log-SNR
};

AlphaSigma alphaSigma(double sigma) {
  const double alpha = 1 / std::sqrt(sigma * sigma + 1);
  const double s = sigma * alpha;
  return {alpha, s, std::log(alpha) - std::log(s)};  // +inf at sigma = 0: the final, noise-free step
}

}  // namespace

void DpmSolverSampler::setTimesteps(int steps) {
  const SchedulerConfig& c = schedule_.config();
  const int T = c.numTrainTimesteps;
  const std::string spacing = c.timestepSpacing.value_or("linspace");
  if (steps < 1 || steps > T)
    throw std::invalid_argument("the number of sampling steps must be between 1 and " + std::to_string(T));
  // DPM-Solver spaces n+1 points and drops the last (t = 0), unlike the single-step samplers.
  timesteps_.clear();
  if (spacing == "linspace") {
    for (int i = steps; i >= 1; --i) timesteps_.push_back(std::nearbyint(double(T - 1) * i / steps));
  } else if (spacing == "leading") {
    const int ratio = T / (steps + 1);
    for (int i = steps; i >= 1; --i) timesteps_.push_back(double(i * ratio + c.stepsOffset));
  } else {
    timesteps_ = spacedTimesteps(spacing, T, steps, c.stepsOffset, true);
  }

  const std::vector<double> training = schedule_.trainingSigmas();
  sigmas_.clear();
  if (c.useKarrasSigmas) {
    std::vector<double> logSigmas;
    for (double s : training) logSigmas.push_back(std::log(s));
    sigmas_ = karrasSigmas(training.front(), training.back(), steps);
    for (std::size_t i = 0; i < sigmas_.size(); ++i)
      timesteps_[i] = std::nearbyint(sigmaToTimestep(sigmas_[i], logSigmas));
  } else {
    for (double t : timesteps_) sigmas_.push_back(interpolate(training, t));
  }
  sigmas_.push_back(c.finalSigmasType == "sigma_min" ? training.front() : 0.0);
  for (double& s : sigmas_) s = asFloat32(s);
  history_.clear();
  lowerOrderSteps_ = 0;
}

at::Tensor DpmSolverSampler::step(const at::Tensor& modelOutput, std::size_t index, const at::Tensor& sample,
                                  at::Generator*) {
  const std::size_t n = timesteps_.size();
  const SchedulerConfig& c = schedule_.config();
  const AlphaSigma now = alphaSigma(sigmas_.at(index));
  // DPM-Solver++ works on the model's prediction of the clean sample.
  at::Tensor x0;
  if (c.predictionType == "epsilon") x0 = (sample - now.sigma * modelOutput) / now.alpha;
  else if (c.predictionType == "v_prediction") x0 = now.alpha * sample - now.sigma * modelOutput;
  else x0 = modelOutput;
  history_.push_back(x0);
  if (history_.size() > 2) history_.pop_front();

  // Few steps are more stable with first order at the end (and always when the last sigma is zero).
  const bool finalFirstOrder = index == n - 1 && (n < 15 || c.finalSigmasType == "zero");
  const AlphaSigma next = alphaSigma(sigmas_.at(index + 1));
  const double h = next.lambda - now.lambda;
  const double decay = next.alpha * std::expm1(-h);  // alpha_t (e^-h - 1)
  at::Tensor result;
  if (lowerOrderSteps_ < 1 || finalFirstOrder) {
    result = (next.sigma / now.sigma) * sample - decay * x0;
  } else {
    const AlphaSigma before = alphaSigma(sigmas_.at(index - 1));
    const double r0 = (now.lambda - before.lambda) / h;
    const at::Tensor d1 = (1.0 / r0) * (history_.back() - history_.front());
    result = (next.sigma / now.sigma) * sample - decay * x0 - 0.5 * decay * d1;
  }
  if (lowerOrderSteps_ < 2) ++lowerOrderSteps_;
  return result;
}

}  // namespace sds::diffusion
