#include "runtime/gpu_tuning.h"

#include <ATen/Context.h>

namespace sds::runtime {

void tuneForFixedShapes(const c10::Device& device) {
  if (!device.is_cuda()) return;
  at::globalContext().setBenchmarkCuDNN(true);
  at::globalContext().setAllowTF32CuBLAS(true);
  at::globalContext().setAllowTF32CuDNN(true);
}

}  // namespace sds::runtime
