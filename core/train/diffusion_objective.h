#pragma once
// The denoising objective of a training step, as the diffusers training scripts compute it: draw
// timesteps uniformly within bounds and Gaussian noise (plus optional offset noise), noise the latents
// with the model's schedule, and score the UNet's prediction against the epsilon or velocity target
// with an MSE loss, optionally weighted per sample by min-SNR-γ.

#include <ATen/core/Tensor.h>

#include <string>

#include "data/batch_share.h"
#include "diffusion/noise_schedule.h"
#include "train/objective_options.h"

namespace sds::train {

struct NoisedBatch {
  at::Tensor noisy;      // the UNet's input
  at::Tensor timesteps;  // int64 [B]
  at::Tensor target;     // what the UNet should predict
  at::Tensor weights;    // float32 [B] loss weight per sample
};

// Draws from the global generator (the trainer seeds it per step, which makes runs resumable).
NoisedBatch noiseBatch(const diffusion::NoiseSchedule& schedule, const at::Tensor& latents,
                       const ObjectiveOptions& options);
// The rows `share` of a global batch (data-parallel ranks): the draws of the whole global batch, cut.
NoisedBatch noiseBatch(const diffusion::NoiseSchedule& schedule, const at::Tensor& latents,
                       const ObjectiveOptions& options, const data::BatchShare& share);

// The same with given noise and timesteps (validation at fixed noise; parity tests).
NoisedBatch noiseBatch(const diffusion::NoiseSchedule& schedule, const at::Tensor& latents, const at::Tensor& noise,
                       const at::Tensor& timesteps, const ObjectiveOptions& options);

// Mean squared error per sample (in float32), times its weight, averaged over the batch.
at::Tensor weightedMse(const at::Tensor& prediction, const NoisedBatch& batch);

// min(SNR, γ)/SNR for epsilon, min(SNR, γ)/(SNR + 1) for velocity targets (Hang et al. 2023); a
// zero-SNR timestep (zero terminal SNR) gets weight 1 with epsilon, the limit of the ratio.
at::Tensor minSnrWeights(const at::Tensor& snr, double gamma, const std::string& predictionType);

}  // namespace sds::train
