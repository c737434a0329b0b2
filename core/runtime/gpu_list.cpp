#include "runtime/gpu_list.h"

#include <torch/cuda.h>

#if SDS_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace sds::runtime {

std::vector<GpuInfo> listGpus() {
  std::vector<GpuInfo> gpus;
  if (!torch::cuda::is_available()) return gpus;
  const auto count = torch::cuda::device_count();
  for (std::size_t i = 0; i < count; ++i) {
    GpuInfo g;
    g.index = static_cast<int>(i);
    g.name = "GPU " + std::to_string(i);
#if SDS_HAVE_CUDA
    cudaDeviceProp props{};
    if (cudaGetDeviceProperties(&props, static_cast<int>(i)) == cudaSuccess) {
      g.name = props.name;
      g.memoryGiB = static_cast<double>(props.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0);
    }
#endif
    gpus.push_back(g);
  }
  return gpus;
}

}  // namespace sds::runtime
