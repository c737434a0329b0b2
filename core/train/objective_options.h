#pragma once
// The training objective's settings (train/diffusion_objective.h), torch-free, so that the run's
// settings (train_settings.h) can hold them.

#include <string>

namespace sds::train {

struct ObjectiveOptions {
  std::string predictionType = "epsilon";  // epsilon, v_prediction
  double noiseOffset = 0;   // scale of per-channel constant noise added to the Gaussian noise
  double minSnrGamma = 0;   // 0: plain MSE
  int timestepMin = 0, timestepMax = 999;  // inclusive
};

}  // namespace sds::train
