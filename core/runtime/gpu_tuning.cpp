#include "runtime/gpu_tuning.h"

#include <ATen/Context.h>

namespace sds::runtime {

void applyGpuTrainingSettings(const c10::Device& device, bool autotuneConvolutions) {
  if (!device.is_cuda()) return;
  at::globalContext().setBenchmarkCuDNN(autotuneConvolutions);
  at::globalContext().setAllowTF32CuBLAS(true);
  at::globalContext().setAllowTF32CuDNN(true);
}

}  // namespace sds::runtime
