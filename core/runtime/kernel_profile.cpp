#include "runtime/kernel_profile.h"

#include <torch/csrc/autograd/profiler_kineto.h>

#include <set>
#include <stdexcept>

namespace sds::runtime {
namespace {

namespace impl = torch::profiler::impl;

std::set<impl::ActivityType> activities(bool gpu) {
  std::set<impl::ActivityType> set{impl::ActivityType::CPU};
  if (gpu) set.insert(impl::ActivityType::CUDA);
  return set;
}

}  // namespace

KernelProfile::KernelProfile(bool gpu) {
  const impl::ProfilerConfig config(impl::ProfilerState::KINETO);
  try {
    torch::autograd::profiler::prepareProfiler(config, activities(gpu));
    torch::autograd::profiler::enableProfiler(config, activities(gpu));
  } catch (const c10::Error& e) {
    throw std::runtime_error(std::string("this LibTorch cannot profile: ") + e.what_without_backtrace());
  }
  recording_ = true;
}

KernelProfile::~KernelProfile() {
  if (!recording_) return;
  try {
    torch::autograd::profiler::disableProfiler();
  } catch (...) {  // a destructor must not throw; the recording is dropped
  }
}

void KernelProfile::saveTrace(const std::string& path) {
  recording_ = false;
  const auto result = torch::autograd::profiler::disableProfiler();
  if (!result) throw std::runtime_error("the profiler returned no result");
  try {
    result->save(path);
  } catch (const c10::Error& e) {
    throw std::runtime_error("cannot write the trace " + path + ": " + e.what_without_backtrace());
  }
}

}  // namespace sds::runtime
