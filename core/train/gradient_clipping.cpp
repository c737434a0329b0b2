#include "train/gradient_clipping.h"

#include <torch/torch.h>

namespace sds::train {

double clipGradientNorm(const std::vector<at::Tensor>& gradients, double maxNorm, bool clip) {
  if (gradients.empty()) return 0;
  torch::NoGradGuard noGrad;
  at::Tensor squares = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat32).device(gradients.front().device()));
  for (const at::Tensor& g : gradients) squares += g.to(torch::kFloat32).pow(2).sum();
  const double norm = squares.sqrt().item<double>();
  if (clip && maxNorm > 0 && norm > maxNorm) {
    const double factor = maxNorm / (norm + 1e-6);
    for (const at::Tensor& g : gradients) g.mul_(factor);
  }
  return norm;
}

}  // namespace sds::train
