#include "runtime/versions.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include "config/project.h"

#if SDS_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif
#if SDS_HAVE_CUDNN
#include <cudnn_version.h>
extern "C" std::size_t cudnnGetVersion(void);
#endif
#if SDS_HAVE_NCCL
#include <nccl.h>
#endif

namespace sds::runtime {
namespace {

#if SDS_HAVE_CUDA
std::string cudaVersionText(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }
#endif

}  // namespace

std::string projectVersion() { return SDS_VERSION; }

std::vector<Component> engineComponents() {
  std::vector<Component> out;
  out.push_back({"SD Studio", SDS_VERSION});
  out.push_back({"LibTorch", TORCH_VERSION});
  out.push_back({"toml++", config::tomlLibraryVersion()});
#if SDS_HAVE_CUDA
  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  out.push_back({"CUDA runtime", cudaVersionText(runtime)});
  if (cudaDriverGetVersion(&driver) == cudaSuccess && driver > 0)
    out.push_back({"CUDA driver", cudaVersionText(driver)});
  else
    out.push_back({"CUDA driver", "none found"});
#else
  out.push_back({"CUDA", "not built in (CPU-only build)"});
#endif
#if SDS_HAVE_CUDNN
  const std::size_t cudnn = cudnnGetVersion();
  out.push_back({"cuDNN", std::to_string(cudnn / 10000) + "." + std::to_string((cudnn % 10000) / 100) + "." +
                              std::to_string(cudnn % 100)});
#endif
#if SDS_HAVE_NCCL
  int nccl = 0;
  ncclGetVersion(&nccl);
  out.push_back({"NCCL", std::to_string(nccl / 10000) + "." + std::to_string((nccl % 10000) / 100) + "." +
                             std::to_string(nccl % 100)});
#endif
  const bool torchCuda = torch::cuda::is_available();
  out.push_back({"LibTorch CUDA", torchCuda ? "available" : "not available"});
  std::string devices = "CPU";
  if (torchCuda) {
    const auto count = torch::cuda::device_count();
    devices += " + " + std::to_string(count) + " CUDA GPU" + (count == 1 ? "" : "s");
#if SDS_HAVE_CUDA
    for (std::size_t i = 0; i < count; ++i) {
      cudaDeviceProp props{};
      if (cudaGetDeviceProperties(&props, static_cast<int>(i)) == cudaSuccess)
        devices += std::string(i == 0 ? ": " : ", ") + props.name;
    }
#endif
  }
  out.push_back({"Devices", devices});
  return out;
}

}  // namespace sds::runtime
