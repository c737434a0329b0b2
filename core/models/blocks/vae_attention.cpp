#include "models/blocks/vae_attention.h"
#include "models/blocks/layers.h"

#include <torch/torch.h>

#include "models/attention.h"

namespace sds::models {

VaeAttentionImpl::VaeAttentionImpl(int64_t channels, int64_t heads, int64_t groups, double eps) : heads(heads) {
  group_norm =
      register_module("group_norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels).eps(eps)));
  to_q = register_module("to_q", makeLinear(channels, channels));
  to_k = register_module("to_k", makeLinear(channels, channels));
  to_v = register_module("to_v", makeLinear(channels, channels));
  to_out->push_back(makeLinear(channels, channels));
  register_module("to_out", to_out);
}

at::Tensor VaeAttentionImpl::forward(const at::Tensor& x) {
  const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  // Group statistics do not depend on the spatial layout, so normalising before flattening is the same.
  // Copied into dense rows once: on a transposed view LibTorch 1.13's CPU matmul broadcasts each
  // projection's weight over the batch and runs batched products instead of one matrix product.
  const at::Tensor tokens = group_norm(x).view({b, c, h * w}).transpose(1, 2).contiguous();
  auto split = [&](const at::Tensor& y) { return y.view({b, h * w, heads, c / heads}).transpose(1, 2); };
  const at::Tensor out = attention(split(to_q(tokens)), split(to_k(tokens)), split(to_v(tokens)))
                             .transpose(1, 2)
                             .reshape({b, h * w, c});
  const at::Tensor projected = to_out[0]->as<torch::nn::LinearImpl>()->forward(out);
  return projected.transpose(1, 2).reshape({b, c, h, w}) + x;
}

}  // namespace sds::models
