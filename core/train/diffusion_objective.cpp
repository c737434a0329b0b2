#include "train/diffusion_objective.h"

#include <torch/torch.h>

#include <stdexcept>

#include "train/row_draws.h"

namespace sds::train {

NoisedBatch noiseBatch(const diffusion::NoiseSchedule& schedule, const at::Tensor& latents,
                       const ObjectiveOptions& options) {
  return noiseBatch(schedule, latents, options, data::wholeBatch(latents.size(0)));
}

NoisedBatch noiseBatch(const diffusion::NoiseSchedule& schedule, const at::Tensor& latents,
                       const ObjectiveOptions& options, const data::BatchShare& share) {
  const int64_t batch = latents.size(0);
  at::Tensor noise = randnRows(latents.sizes(), share);
  if (options.noiseOffset > 0)  // one constant per sample and channel (Guttenberg's offset noise)
    noise = noise + options.noiseOffset * randnRows({batch, latents.size(1), 1, 1}, share);
  const at::Tensor timesteps = randintRows(options.timestepMin, options.timestepMax + 1, share);
  return noiseBatch(schedule, latents, noise.to(latents.device(), latents.scalar_type()), timesteps.to(latents.device()),
                    options);
}

NoisedBatch noiseBatch(const diffusion::NoiseSchedule& schedule, const at::Tensor& latents, const at::Tensor& noise,
                       const at::Tensor& timesteps, const ObjectiveOptions& options) {
  NoisedBatch b;
  b.timesteps = timesteps;
  b.noisy = schedule.addNoise(latents, noise, timesteps);
  if (options.predictionType == "epsilon")
    b.target = noise;
  else if (options.predictionType == "v_prediction")
    b.target = schedule.velocity(latents, noise, timesteps);
  else
    throw std::invalid_argument("prediction type \"" + options.predictionType +
                                "\" cannot be trained (expected epsilon or v_prediction)");
  if (options.minSnrGamma > 0)
    b.weights = minSnrWeights(schedule.snr(timesteps.cpu()), options.minSnrGamma, options.predictionType)
                    .to(latents.device());
  else
    b.weights = torch::ones({latents.size(0)}, torch::TensorOptions().dtype(torch::kFloat32).device(latents.device()));
  return b;
}

at::Tensor weightedMse(const at::Tensor& prediction, const NoisedBatch& batch) {
  const at::Tensor error = (prediction.to(torch::kFloat32) - batch.target.to(torch::kFloat32)).pow(2);
  const at::Tensor perSample = error.flatten(1).mean(1);
  return (perSample * batch.weights).mean();
}

at::Tensor minSnrWeights(const at::Tensor& snr, double gamma, const std::string& predictionType) {
  const at::Tensor clipped = torch::clamp_max(snr, gamma);
  if (predictionType == "v_prediction") return clipped / (snr + 1);
  return torch::where(snr > 0, clipped / snr, torch::ones_like(snr));
}

}  // namespace sds::train
