#pragma once
// The concrete samplers behind makeSampler(), and the sigma helpers they share.

#include <deque>

#include "diffusion/sampler.h"

namespace sds::diffusion {

// DDIM (deterministic, eta = 0), as diffusers' DDIMScheduler.
class DdimSampler : public Sampler {
 public:
  explicit DdimSampler(const SchedulerConfig& config) : Sampler(config) {}
  void setTimesteps(int steps) override;
  at::Tensor step(const at::Tensor& modelOutput, std::size_t index, const at::Tensor& sample,
                  at::Generator* generator) override;

 private:
  int stepRatio_ = 1;
};

// Euler, and Euler ancestral (fresh noise each step), as diffusers' Euler[Ancestral]DiscreteScheduler.
class EulerSampler : public Sampler {
 public:
  EulerSampler(const SchedulerConfig& config, bool ancestral) : Sampler(config), ancestral_(ancestral) {}
  void setTimesteps(int steps) override;
  double initNoiseSigma() const override { return initNoiseSigma_; }
  at::Tensor scaleModelInput(const at::Tensor& sample, std::size_t index) const override;
  at::Tensor step(const at::Tensor& modelOutput, std::size_t index, const at::Tensor& sample,
                  at::Generator* generator) override;
  const std::vector<double>& sigmas() const { return sigmas_; }

 private:
  bool ancestral_;
  std::vector<double> sigmas_;
  double initNoiseSigma_ = 1.0;
};

// DPM-Solver++ 2M (multistep, second order, midpoint), optionally on Karras sigmas, as diffusers'
// DPMSolverMultistepScheduler with algorithm_type "dpmsolver++".
class DpmSolverSampler : public Sampler {
 public:
  explicit DpmSolverSampler(const SchedulerConfig& config) : Sampler(config) {}
  void setTimesteps(int steps) override;
  at::Tensor step(const at::Tensor& modelOutput, std::size_t index, const at::Tensor& sample,
                  at::Generator* generator) override;
  const std::vector<double>& sigmas() const { return sigmas_; }

 private:
  std::vector<double> sigmas_;
  std::deque<at::Tensor> history_;  // the last data predictions, newest last
  int lowerOrderSteps_ = 0;
};

// Karras et al. (2022) sigmas from sigmaMax down to sigmaMin with rho = 7.
std::vector<double> karrasSigmas(double sigmaMin, double sigmaMax, int steps);
// The (fractional) training timestep whose sigma is `sigma`, interpolating in log-sigma.
double sigmaToTimestep(double sigma, const std::vector<double>& logSigmas);
// x0 predicted from a model output at noise level sigma (sample scaled as in the sigma formulation).
at::Tensor predictOriginal(const std::string& predictionType, const at::Tensor& modelOutput, const at::Tensor& sample,
                           double sigma);
// Rounds to float32, as diffusers stores its sigma arrays.
inline double asFloat32(double v) { return double(static_cast<float>(v)); }

}  // namespace sds::diffusion
