#include "train/loss_scaler.h"

#include <torch/torch.h>

namespace sds::train {

LossScaler::LossScaler(bool enabled, double initialScale, std::int64_t growthInterval)
    : enabled_(enabled), scale_(initialScale), growthInterval_(growthInterval) {}

bool LossScaler::unscale(const std::vector<at::Tensor>& gradients) const {
  if (!enabled_) return true;
  bool finite = true;
  torch::NoGradGuard noGrad;
  for (const at::Tensor& g : gradients) {
    if (!g.defined()) continue;
    g.mul_(1.0 / scale_);
    if (finite && !torch::isfinite(g).all().item<bool>()) finite = false;
  }
  return finite;
}

void LossScaler::update(bool finite) {
  if (!enabled_) return;
  if (!finite) {
    scale_ *= 0.5;
    cleanSteps_ = 0;
  } else if (++cleanSteps_ >= growthInterval_) {
    scale_ *= 2.0;
    cleanSteps_ = 0;
  }
}

}  // namespace sds::train
