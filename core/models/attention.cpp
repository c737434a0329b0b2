#include "models/attention.h"

#include <torch/torch.h>

#include <atomic>
#include <cmath>
#include <cstdint>

#include "runtime/torch_compat.h"

namespace sds::models {

namespace {
std::atomic<AttentionImplementation> implementation{AttentionImplementation::Fused};

#if SDS_HAVE_CUDNN_SDPA
// cuDNN's attention in half precision without a mask, for token counts that are multiples of 128
// (the UNets' self-attention at every level but the 8×8 middle): cuDNN before 9.15.1 can read out of
// bounds for other lengths, and the cross-attention's 77 keys are cheap anyway. Head sizes must be
// multiples of 8, at most 128 (SD 1.5: 40, 80, 160 → the last goes to the other kernels).
// Only for large products (batch · heads · queries · keys ≥ 2^30, e.g. SD 1.5 at batch 8): for small
// ones cuDNN's per-call planning on the CPU costs more than its faster kernels save.
bool suitsCudnn(const at::Tensor& q, const at::Tensor& k, const at::Tensor& mask) {
  const auto type = q.scalar_type();
  const bool large = q.size(0) * q.size(1) * q.size(2) * k.size(2) >= (std::int64_t{1} << 30);
  return !mask.defined() && q.is_cuda() && (type == at::kBFloat16 || type == at::kHalf) && large &&
         q.size(2) % 128 == 0 && k.size(2) % 128 == 0 && q.size(-1) % 8 == 0 && q.size(-1) <= 128;
}
#endif
}  // namespace

void setAttentionImplementation(AttentionImplementation value) { implementation = value; }

bool attentionIsFused() {
#if SDS_HAVE_SDPA
  return implementation.load(std::memory_order_relaxed) != AttentionImplementation::Explicit;
#else
  return false;
#endif
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask) {
  // Unused where LibTorch has no SDPA (1.13).
  [[maybe_unused]] const AttentionImplementation chosen = implementation.load(std::memory_order_relaxed);
#if SDS_HAVE_CUDNN_SDPA
  if (chosen == AttentionImplementation::Fused && suitsCudnn(q, k, mask)) {
    // The log-sum-exp is what the backward pass needs; inference skips it.
    const bool training = at::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
    return std::get<0>(at::_scaled_dot_product_cudnn_attention(q, k, v, c10::nullopt, training));
  }
#endif
#if SDS_HAVE_SDPA
  if (chosen != AttentionImplementation::Explicit)
    return at::scaled_dot_product_attention(q, k, v, mask.defined() ? c10::optional<at::Tensor>(mask) : c10::nullopt);
#endif
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  at::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * scale;
  if (mask.defined()) scores = scores + mask;
  return torch::matmul(torch::softmax(scores, -1), v);
}

}  // namespace sds::models
