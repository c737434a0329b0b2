#pragma once
// GPU memory as the CUDA caching allocator sees it: what tensors hold now, the peak since the last
// reset, and what the allocator has reserved from the driver. Only builds against a CUDA LibTorch
// can tell; elsewhere the functions say so by returning nothing.

#include <optional>

namespace sds::runtime {

struct GpuMemory {
  double allocatedGiB = 0;
  double peakAllocatedGiB = 0;  // since the last resetGpuMemoryPeak
  double reservedGiB = 0;
  double peakReservedGiB = 0;
};

std::optional<GpuMemory> gpuMemory(int device = 0);
void resetGpuMemoryPeak(int device = 0);

}  // namespace sds::runtime
