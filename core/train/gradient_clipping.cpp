#include "train/gradient_clipping.h"

#include <torch/torch.h>

#include "runtime/torch_compat.h"

namespace sds::train {

double clipGradientNorm(const std::vector<at::Tensor>& gradients, double maxNorm, bool clip) {
  if (gradients.empty()) return 0;
  torch::NoGradGuard noGrad;
#if SDS_TORCH_AT_LEAST(2, 1)
  // On GPUs, multi-tensor kernels: a handful of launches instead of four per gradient.
  if (gradients.front().is_cuda()) {
    const double norm =
        at::stack(at::_foreach_norm(gradients, 2, at::kFloat)).norm().item<double>();
    if (clip && maxNorm > 0 && norm > maxNorm) at::_foreach_mul_(gradients, maxNorm / (norm + 1e-6));
    return norm;
  }
#endif
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
