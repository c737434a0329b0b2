#pragma once
// Starts the GPU's one-time work — the CUDA context, loading cuBLAS and cuDNN and their first handles —
// on a thread of its own, while the caller reads a model from disk on the CPU. That work took about a
// second before the first step of `sdtrain generate`; overlapped, it costs nothing. Best effort: a
// failure here is left for the real work to report.

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <thread>

namespace sds::runtime {

class GpuWarmUp {
 public:
  // Does nothing for a CPU device.
  GpuWarmUp(const c10::Device& device, c10::ScalarType dtype);
  ~GpuWarmUp();  // waits
  GpuWarmUp(const GpuWarmUp&) = delete;
  GpuWarmUp& operator=(const GpuWarmUp&) = delete;

  void wait();

 private:
  std::thread thread_;
};

}  // namespace sds::runtime
