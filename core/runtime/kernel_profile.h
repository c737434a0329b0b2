#pragma once
// Records what LibTorch runs (operators on the CPU, kernels on the GPU) between start and stop with
// its Kineto profiler, and writes a Chrome trace (open it in chrome://tracing or Perfetto;
// packaging/gpu/trace_summary.py sums the GPU time per kernel). Used by `sdtrain bench --profile`.

#include <string>

namespace sds::runtime {

class KernelProfile {
 public:
  // Throws std::runtime_error when this LibTorch cannot profile.
  explicit KernelProfile(bool gpu);
  ~KernelProfile();
  KernelProfile(const KernelProfile&) = delete;
  KernelProfile& operator=(const KernelProfile&) = delete;

  // Ends the recording and writes the trace to `path`.
  void saveTrace(const std::string& path);

 private:
  bool recording_ = false;
};

}  // namespace sds::runtime
