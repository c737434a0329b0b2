#include "runtime/device.h"

#include <torch/torch.h>

namespace sds::runtime {

c10::Device resolveDevice(std::string_view name, const std::string& what) {
  if (name == "cpu") return c10::Device(c10::kCPU);
  if (name != "cuda" && name != "auto")
    throw std::invalid_argument(what + ": \"" + std::string(name) + "\" is not a device; expected cpu, cuda or auto");
  const bool gpu = at::hasCUDA() && torch::cuda::is_available() && torch::cuda::device_count() > 0;
  if (gpu) return c10::Device(c10::kCUDA, 0);
  if (name == "auto") return c10::Device(c10::kCPU);
  if (!at::hasCUDA())
    throw DeviceUnavailable(what + ": this build's LibTorch " + std::string(TORCH_VERSION) + " has no CUDA support",
                            "use the CPU, or a build of SD Studio against a CUDA-enabled LibTorch");
  throw DeviceUnavailable(what + ": no CUDA GPU was found on this machine", "check the driver with nvidia-smi, or use the CPU");
}

}  // namespace sds::runtime
