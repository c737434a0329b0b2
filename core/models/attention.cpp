#include "models/attention.h"

#include <torch/torch.h>

#include <atomic>
#include <cmath>

#include "runtime/torch_compat.h"

namespace sds::models {

namespace {
std::atomic<AttentionImplementation> implementation{AttentionImplementation::Fused};
}  // namespace

void setAttentionImplementation(AttentionImplementation value) { implementation = value; }

bool attentionIsFused() {
#if SDS_HAVE_SDPA
  return implementation.load(std::memory_order_relaxed) == AttentionImplementation::Fused;
#else
  return false;
#endif
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask) {
#if SDS_HAVE_SDPA
  if (implementation.load(std::memory_order_relaxed) == AttentionImplementation::Fused)
    return at::scaled_dot_product_attention(q, k, v, mask.defined() ? c10::optional<at::Tensor>(mask) : c10::nullopt);
#endif
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  at::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * scale;
  if (mask.defined()) scores = scores + mask;
  return torch::matmul(torch::softmax(scores, -1), v);
}

}  // namespace sds::models
