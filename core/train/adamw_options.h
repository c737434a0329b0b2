#pragma once
// AdamW's settings, torch-free, so that the run's settings (train_settings.h) can hold them.

namespace sds::train {

struct AdamWOptions {
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 1e-2;
  bool eightBit = false;
  // false: always the per-tensor ATen path, which the fused kernels are checked against.
  bool fusedKernels = true;
};

}  // namespace sds::train
