#include "runtime/gpu_memory.h"

#if SDS_TORCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/cuda.h>
#endif

namespace sds::runtime {

#if SDS_TORCH_CUDA

namespace {
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
// StatType::AGGREGATE, the first statistic (its namespace moved between LibTorch versions).
constexpr std::size_t kAll = 0;
}  // namespace

std::optional<GpuMemory> gpuMemory(int device) {
  if (!torch::cuda::is_available()) return std::nullopt;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
  GpuMemory m;
  m.allocatedGiB = double(stats.allocated_bytes[kAll].current) / kGiB;
  m.peakAllocatedGiB = double(stats.allocated_bytes[kAll].peak) / kGiB;
  m.reservedGiB = double(stats.reserved_bytes[kAll].current) / kGiB;
  m.peakReservedGiB = double(stats.reserved_bytes[kAll].peak) / kGiB;
  return m;
}

void resetGpuMemoryPeak(int device) {
  if (torch::cuda::is_available()) c10::cuda::CUDACachingAllocator::resetPeakStats(device);
}

#else

std::optional<GpuMemory> gpuMemory(int) { return std::nullopt; }
void resetGpuMemoryPeak(int) {}

#endif

}  // namespace sds::runtime
