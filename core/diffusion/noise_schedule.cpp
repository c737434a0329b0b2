#include "diffusion/noise_schedule.h"

#include <torch/torch.h>

#include <cmath>
#include <vector>

namespace sds::diffusion {
namespace {

// Cosine schedule (Nichol & Dhariwal): betas from the continuous ᾱ(t), each capped at 0.999.
at::Tensor squaredCosineBetas(int steps) {
  auto alphaBar = [](double t) {
    const double c = std::cos((t + 0.008) / 1.008 * M_PI / 2);
    return c * c;
  };
  std::vector<float> betas;
  for (int i = 0; i < steps; ++i) {
    const double t1 = double(i) / steps, t2 = double(i + 1) / steps;
    betas.push_back(static_cast<float>(std::min(1 - alphaBar(t2) / alphaBar(t1), 0.999)));
  }
  return torch::tensor(betas, torch::kFloat32);
}

// torch.linspace(start, end, steps, dtype=float32) with the values diffusers' schedules get: the first
// half counted up from start, the second half down from end, each one fused multiply-add in float32.
// LibTorch's own linspace rounds differently from build to build (vectorized or not, with or without
// FMA): Debian's 1.13 gave 678 of SD 1.5's 1000 ᾱ values an ulp or two away from diffusers'. These
// match golden/schedulers_sd15 bit for bit.
at::Tensor linspace32(double startValue, double endValue, int steps) {
  const float start = static_cast<float>(startValue), end = static_cast<float>(endValue);
  if (steps == 1) return torch::tensor(std::vector<float>{start}, torch::kFloat32);
  const float step = (end - start) / static_cast<float>(steps - 1);
  std::vector<float> values(static_cast<std::size_t>(steps));
  for (int i = 0; i < steps; ++i)
    values[static_cast<std::size_t>(i)] = i < steps / 2 ? std::fma(step, static_cast<float>(i), start)
                                                        : std::fma(-step, static_cast<float>(steps - i - 1), end);
  return torch::tensor(values, torch::kFloat32);
}

at::Tensor makeBetas(const SchedulerConfig& c) {
  if (!c.trainedBetas.empty()) return torch::tensor(c.trainedBetas, torch::kFloat64).to(torch::kFloat32);
  if (c.betaSchedule == "linear") return linspace32(c.betaStart, c.betaEnd, c.numTrainTimesteps);
  if (c.betaSchedule == "scaled_linear")
    return linspace32(std::sqrt(c.betaStart), std::sqrt(c.betaEnd), c.numTrainTimesteps).pow(2);
  return squaredCosineBetas(c.numTrainTimesteps);
}

}  // namespace

at::Tensor rescaleZeroTerminalSnr(const at::Tensor& betas) {
  const at::Tensor alphas = 1.0 - betas;
  at::Tensor sqrtAlphaBar = torch::cumprod(alphas, 0).sqrt();
  const at::Tensor first = sqrtAlphaBar[0].clone();
  const at::Tensor last = sqrtAlphaBar[-1].clone();
  // Shift so the last value is zero, scale so the first keeps its value.
  sqrtAlphaBar = (sqrtAlphaBar - last) * (first / (first - last));
  const at::Tensor alphaBar = sqrtAlphaBar.pow(2);
  const at::Tensor rescaledAlphas = torch::cat({alphaBar.slice(0, 0, 1), alphaBar.slice(0, 1) / alphaBar.slice(0, 0, -1)});
  return 1.0 - rescaledAlphas;
}

NoiseSchedule::NoiseSchedule(const SchedulerConfig& config) : config_(config) {
  betas_ = makeBetas(config_);
  if (config_.rescaleBetasZeroSnr) betas_ = rescaleZeroTerminalSnr(betas_);
  alphasCumprod_ = torch::cumprod(1.0 - betas_, 0);
  const at::Tensor values = alphasCumprod_.to(torch::kFloat64).contiguous();
  alphasCumprodValues_.assign(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
}

at::Tensor NoiseSchedule::gather(const at::Tensor& timesteps, const at::Tensor& like) const {
  // In the sample's dtype before any arithmetic, as diffusers does, so float64 runs stay exact.
  at::Tensor picked = alphasCumprod_.to(like.device(), like.scalar_type())
                          .index_select(0, timesteps.to(like.device()).to(torch::kLong));
  std::vector<int64_t> shape(static_cast<std::size_t>(like.dim()), 1);
  shape[0] = picked.size(0);
  return picked.view(shape);
}

at::Tensor NoiseSchedule::addNoise(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& timesteps) const {
  const at::Tensor alphaBar = gather(timesteps, x0);
  return alphaBar.sqrt() * x0 + (1.0 - alphaBar).sqrt() * noise;
}

at::Tensor NoiseSchedule::velocity(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& timesteps) const {
  const at::Tensor alphaBar = gather(timesteps, x0);
  return alphaBar.sqrt() * noise - (1.0 - alphaBar).sqrt() * x0;
}

at::Tensor NoiseSchedule::snr(const at::Tensor& timesteps) const {
  const at::Tensor a = alphasCumprod_.index_select(0, timesteps.cpu().to(torch::kLong));
  return a / (1.0 - a);
}

std::vector<double> NoiseSchedule::trainingSigmas() const {
  // With a zero terminal SNR, ᾱ_T = 0 would make the last sigma infinite; like diffusers' sigma-based
  // schedulers, use 2^-24 there.
  const at::Tensor a = alphasCumprod_.clamp_min(std::pow(2.0, -24));
  const at::Tensor sigmas = ((1.0 - a) / a).sqrt().to(torch::kFloat64).contiguous();
  return {sigmas.data_ptr<double>(), sigmas.data_ptr<double>() + sigmas.numel()};
}

}  // namespace sds::diffusion
