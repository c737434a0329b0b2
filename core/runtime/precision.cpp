#include "runtime/precision.h"

#include <torch/torch.h>

#include <map>
#include <mutex>

namespace sds::runtime {

std::optional<c10::ScalarType> scalarTypeOf(std::string_view name) {
  if (name == "fp32") return c10::kFloat;
  if (name == "bf16") return c10::kBFloat16;
  if (name == "fp16") return c10::kHalf;
  if (name == "fp64") return c10::kDouble;
  return std::nullopt;
}

bool cpuSupports(c10::ScalarType dtype) {
  static std::mutex mutex;
  static std::map<c10::ScalarType, bool> known;
  const std::lock_guard<std::mutex> lock(mutex);
  if (const auto it = known.find(dtype); it != known.end()) return it->second;
  bool supported = true;
  try {
    torch::NoGradGuard noGrad;
    const auto options = torch::TensorOptions().dtype(dtype);
    const at::Tensor x = torch::ones({1, 1, 4, 4}, options);
    (void)torch::conv2d(x, torch::ones({1, 1, 3, 3}, options), {}, 1, 1);
    (void)torch::group_norm(torch::ones({1, 2, 2, 2}, options), 1);
    (void)torch::upsample_nearest2d(x, {8, 8});
    (void)torch::softmax(x, -1);
    (void)torch::matmul(x, x);
    (void)torch::linear(x, torch::ones({4, 4}, options));
  } catch (const std::exception&) {  // c10::Error, and oneDNN's dnnl::error for a missing ISA
    supported = false;
  }
  known[dtype] = supported;
  return supported;
}

}  // namespace sds::runtime
