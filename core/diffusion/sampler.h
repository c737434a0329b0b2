#pragma once
// Samplers turn noise into a sample in a few steps of the model. Each follows its diffusers
// scheduler (timestep spacing, sigmas, update rule) so results match the reference pipelines.
//
//   auto sampler = makeSampler("dpmpp_2m_karras", config);
//   sampler->setTimesteps(25);
//   x = noise * sampler->initNoiseSigma();
//   for (i …) x = sampler->step(model(sampler->scaleModelInput(x, i), t[i]), i, x);

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

#include "diffusion/noise_schedule.h"

namespace sds::diffusion {

class Sampler {
 public:
  explicit Sampler(const SchedulerConfig& config) : schedule_(config) {}
  virtual ~Sampler() = default;

  const NoiseSchedule& schedule() const { return schedule_; }
  const std::string& predictionType() const { return schedule_.config().predictionType; }

  // Chooses the timesteps for `steps` model evaluations (and resets any multistep history).
  virtual void setTimesteps(int steps) = 0;
  // The model's timestep for each step, in order (the values the UNet is given).
  const std::vector<double>& timesteps() const { return timesteps_; }

  virtual double initNoiseSigma() const { return 1.0; }
  virtual at::Tensor scaleModelInput(const at::Tensor& sample, std::size_t index) const { return sample; }

  // The sample after step `index`, given the model's output for it. Stochastic samplers draw their
  // noise from `generator` (the default CPU generator when null).
  virtual at::Tensor step(const at::Tensor& modelOutput, std::size_t index, const at::Tensor& sample,
                          at::Generator* generator = nullptr) = 0;

 protected:
  NoiseSchedule schedule_;
  std::vector<double> timesteps_;
};

// "ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"; throws std::invalid_argument otherwise.
std::unique_ptr<Sampler> makeSampler(const std::string& name, SchedulerConfig config);
const std::vector<std::string>& samplerNames();

// Timesteps as diffusers spaces them: "leading", "linspace" or "trailing", highest first. Integer
// samplers round linspace values; sigma samplers keep them fractional.
std::vector<double> spacedTimesteps(const std::string& spacing, int trainTimesteps, int steps, int stepsOffset,
                                    bool roundLinspace);

// Linear interpolation of `values` (given at 0, 1, 2, …) at x, as numpy.interp.
double interpolate(const std::vector<double>& values, double x);

}  // namespace sds::diffusion
