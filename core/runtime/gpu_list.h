#pragma once
// The machine's GPUs as LibTorch sees them: index, name and memory, for `sdtrain gpus` (which the
// studio asks to offer them), the version report and the launcher.

#include <string>
#include <vector>

namespace sds::runtime {

struct GpuInfo {
  int index = 0;
  std::string name;
  double memoryGiB = 0;  // total memory of the device
};

// Empty when this LibTorch has no CUDA or no GPU answers.
std::vector<GpuInfo> listGpus();

}  // namespace sds::runtime
