#pragma once
// The forward (noising) process of a diffusion model: betas and cumulative alphas from a scheduler
// config, computed in float32 exactly as diffusers computes them, plus add_noise and the velocity target.

#include <ATen/core/Tensor.h>

#include <vector>

#include "diffusion/scheduler_config.h"

namespace sds::diffusion {

class NoiseSchedule {
 public:
  explicit NoiseSchedule(const SchedulerConfig& config);

  const SchedulerConfig& config() const { return config_; }
  int numTrainTimesteps() const { return config_.numTrainTimesteps; }
  const at::Tensor& betas() const { return betas_; }                 // float32 [T]
  const at::Tensor& alphasCumprod() const { return alphasCumprod_; }  // float32 [T]
  double alphaCumprod(int timestep) const { return alphasCumprodValues_.at(static_cast<std::size_t>(timestep)); }

  // sqrt(ᾱ_t)·x0 + sqrt(1-ᾱ_t)·noise, per batch element t (int64 [B]), in x0's dtype and device.
  at::Tensor addNoise(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& timesteps) const;
  // The v-prediction target sqrt(ᾱ_t)·noise - sqrt(1-ᾱ_t)·x0.
  at::Tensor velocity(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& timesteps) const;
  // Signal-to-noise ratio ᾱ_t / (1-ᾱ_t) per timestep (float32 [B]); infinite where ᾱ_t = 1.
  at::Tensor snr(const at::Tensor& timesteps) const;

  // The sigma of each training timestep, sqrt((1-ᾱ)/ᾱ), computed in float32 (ᾱ at least 2^-24).
  std::vector<double> trainingSigmas() const;

 private:
  // ᾱ at each timestep, in like's dtype and device, shaped to broadcast over like.
  at::Tensor gather(const at::Tensor& timesteps, const at::Tensor& like) const;

  SchedulerConfig config_;
  at::Tensor betas_;
  at::Tensor alphasCumprod_;
  std::vector<double> alphasCumprodValues_;
};

// Rescales betas so that the final timestep has zero signal (Lin et al. 2023, "Common Diffusion Noise
// Schedules and Sample Steps are Flawed"), as diffusers' rescale_betas_zero_snr does.
at::Tensor rescaleZeroTerminalSnr(const at::Tensor& betas);

}  // namespace sds::diffusion
