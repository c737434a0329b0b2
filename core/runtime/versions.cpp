#include "runtime/versions.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include "config/project.h"
#include "runtime/gpu_list.h"
#include "util/i18n.h"

#if SDS_HAVE_CUDA
#include <cuda_runtime_api.h>
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
  out.push_back({SDS_TR("Engine", "CUDA runtime"), cudaVersionText(runtime)});
  if (cudaDriverGetVersion(&driver) == cudaSuccess && driver > 0)
    out.push_back({SDS_TR("Engine", "CUDA driver"), cudaVersionText(driver)});
  else
    out.push_back({SDS_TR("Engine", "CUDA driver"), SDS_TR("Engine", "none found")});
#else
  out.push_back({"CUDA", SDS_TR("Engine", "not built in (CPU-only build)")});
#endif
  // The cuDNN that LibTorch's convolutions use (a CUDA LibTorch's; none in a CPU LibTorch).
  const at::CUDAHooksInterface& cudaHooks = at::detail::getCUDAHooks();
  if (cudaHooks.hasCuDNN()) {
    const long cudnn = cudaHooks.versionCuDNN();
    out.push_back({"cuDNN", std::to_string(cudnn / 10000) + "." + std::to_string((cudnn % 10000) / 100) + "." +
                                std::to_string(cudnn % 100)});
  }
#if SDS_HAVE_NCCL
  int nccl = 0;
  ncclGetVersion(&nccl);
  out.push_back({"NCCL", std::to_string(nccl / 10000) + "." + std::to_string((nccl % 10000) / 100) + "." +
                             std::to_string(nccl % 100)});
#endif
  const bool torchCuda = torch::cuda::is_available();
  out.push_back({SDS_TR("Engine", "LibTorch CUDA"),
                 torchCuda ? SDS_TR("Engine", "available") : SDS_TR("Engine", "not available")});
  std::string gpus;
  if (torchCuda) {
    const std::vector<GpuInfo> list = listGpus();
    gpus = std::to_string(list.size());
    for (const GpuInfo& g : list) gpus += std::string(g.index == 0 ? ": " : ", ") + g.name;
  }
  out.push_back({SDS_TR("Engine", "GPUs"), torchCuda ? gpus : SDS_TR("Engine", "none (training runs on the CPU)")});
  return out;
}

}  // namespace sds::runtime
