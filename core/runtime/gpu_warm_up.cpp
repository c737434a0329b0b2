#include "runtime/gpu_warm_up.h"

#include <torch/torch.h>

namespace sds::runtime {

GpuWarmUp::GpuWarmUp(const c10::Device& device, c10::ScalarType dtype) {
  if (!device.is_cuda()) return;
  thread_ = std::thread([device, dtype] {
    try {
      torch::NoGradGuard noGrad;
      const auto options = torch::TensorOptions().device(device).dtype(dtype);
      // A convolution, a group norm, a matrix product and a softmax: each library's first call. Made of
      // constants, not random numbers, so that the device's generator is left as it was.
      const at::Tensor image = torch::full({1, 32, 16, 16}, 0.5, options);
      const at::Tensor kernel = torch::full({32, 32, 3, 3}, 0.01, options);
      const at::Tensor features = torch::group_norm(torch::conv2d(image, kernel, {}, 1, 1), 32);
      const at::Tensor tokens = features.flatten(2).transpose(1, 2);
      (void)torch::matmul(tokens, tokens.transpose(1, 2)).softmax(-1).sum().item<double>();
    } catch (...) {  // the real work reports what is wrong with the GPU
    }
  });
}

GpuWarmUp::~GpuWarmUp() { wait(); }

void GpuWarmUp::wait() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace sds::runtime
