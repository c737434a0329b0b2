#include "models/blocks/transformer_2d.h"
#include "models/blocks/group_norm.h"
#include "models/blocks/layers.h"

#include <torch/torch.h>

#include "models/attention.h"
#include "models/fused_kernels.h"
#include "models/lora.h"
#ifdef SDS_FUSED_GEGLU
#include "models/cuda/geglu.h"
#endif

namespace sds::models {
namespace {

bool useFusedGeglu = true;

#ifdef SDS_FUSED_GEGLU
// The fused kernels as an autograd function: keeps the projection, which the backward kernel reads.
struct FusedGeglu : torch::autograd::Function<FusedGeglu> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const at::Tensor& projected) {
    ctx->save_for_backward({projected});
    return {cuda::gegluForward(projected)};
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list gradOutputs) {
    return {cuda::gegluBackward(gradOutputs[0], ctx->get_saved_variables()[0])};
  }
};
#endif

}  // namespace

void setFusedGeglu(bool fused) { useFusedGeglu = fused; }

CrossAttentionImpl::CrossAttentionImpl(int64_t queryDim, int64_t contextDim, int64_t heads, int64_t headDim,
                                       bool upcast)
    : heads(heads), upcast(upcast) {
  const int64_t inner = heads * headDim;
  const int64_t kvDim = contextDim > 0 ? contextDim : queryDim;
  auto noBias = [](int64_t in, int64_t out) { return makeLinear(torch::nn::LinearOptions(in, out).bias(false)); };
  to_q = register_module("to_q", noBias(queryDim, inner));
  to_k = register_module("to_k", noBias(kvDim, inner));
  to_v = register_module("to_v", noBias(kvDim, inner));
  to_out->push_back(makeLinear(inner, queryDim));
  register_module("to_out", to_out);
}

at::Tensor CrossAttentionImpl::forward(const at::Tensor& x, const at::Tensor& context) {
  const at::Tensor& kv = context.defined() ? context : x;
  const int64_t b = x.size(0);
  auto split = [&](const at::Tensor& y) { return y.view({b, y.size(1), heads, -1}).transpose(1, 2); };
  at::Tensor q = split(linearWithAdapter(*to_q, x)), k = split(linearWithAdapter(*to_k, kv)),
             v = split(linearWithAdapter(*to_v, kv));
  const auto type = q.scalar_type();
  // upcast_attention (SD 2.1): scores in float32 so fp16 does not overflow. The fused kernels keep
  // the scores in float32 themselves (diffusers' SDPA processor skips the upcast too).
  if (upcast && !attentionIsFused() && (type == torch::kFloat16 || type == torch::kBFloat16)) {
    q = q.to(torch::kFloat32), k = k.to(torch::kFloat32), v = v.to(torch::kFloat32);
  }
  const at::Tensor out = attention(q, k, v).to(type).transpose(1, 2).reshape({b, x.size(1), -1});
  return linearWithAdapter(*to_out[0]->as<torch::nn::LinearImpl>(), out);
}

GegluImpl::GegluImpl(int64_t dim, int64_t inner) { proj = register_module("proj", makeLinear(dim, inner * 2)); }

at::Tensor GegluImpl::forward(const at::Tensor& x) {
  const at::Tensor projected = linearWithAdapter(*proj, x);
#ifdef SDS_FUSED_GEGLU
  if (useFusedGeglu && cuda::canFuseGeglu(projected)) return FusedGeglu::apply(projected)[0];
#endif
  const auto halves = projected.chunk(2, -1);
  return halves[0] * torch::gelu(halves[1]);
}

FeedForwardImpl::FeedForwardImpl(int64_t dim) {
  geglu = Geglu(dim, dim * 4);
  out = makeLinear(dim * 4, dim);
  net->push_back(geglu);
  net->push_back(torch::nn::Dropout(0.0));
  net->push_back(out);
  register_module("net", net);
}

at::Tensor FeedForwardImpl::forward(const at::Tensor& x) { return linearWithAdapter(*out, geglu(x)); }

BasicTransformerBlockImpl::BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t headDim, int64_t contextDim,
                                                     bool upcast) {
  auto norm = [&] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5)); };
  norm1 = register_module("norm1", norm());
  attn1 = register_module("attn1", CrossAttention(dim, 0, heads, headDim, upcast));
  norm2 = register_module("norm2", norm());
  attn2 = register_module("attn2", CrossAttention(dim, contextDim, heads, headDim, upcast));
  norm3 = register_module("norm3", norm());
  ff = register_module("ff", FeedForward(dim));
}

at::Tensor BasicTransformerBlockImpl::forward(const at::Tensor& x, const at::Tensor& context) {
  at::Tensor h = x + attn1(norm1(x));
  h = h + attn2(norm2(h), context);
  return h + ff(norm3(h));
}

Transformer2DImpl::Transformer2DImpl(const Transformer2DOptions& o) : linearProjection(o.linearProjection) {
  norm = register_module("norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(o.groups, o.channels).eps(1e-6)));
  if (o.linearProjection) {
    proj_in = torch::nn::AnyModule(makeLinear(o.channels, o.channels));
    proj_out = torch::nn::AnyModule(makeLinear(o.channels, o.channels));
  } else {
    proj_in = torch::nn::AnyModule(makeConv2d(torch::nn::Conv2dOptions(o.channels, o.channels, 1)));
    proj_out = torch::nn::AnyModule(makeConv2d(torch::nn::Conv2dOptions(o.channels, o.channels, 1)));
  }
  register_module("proj_in", proj_in.ptr());
  for (int64_t i = 0; i < o.layers; ++i)
    transformer_blocks->push_back(
        BasicTransformerBlock(o.channels, o.heads, o.channels / o.heads, o.contextDim, o.upcastAttention));
  register_module("transformer_blocks", transformer_blocks);
  register_module("proj_out", proj_out.ptr());
}

namespace {

// A 1×1 convolution as the matrix product it is, on tokens. On the GPU this spares cuDNN's two layout
// conversions around a convolution over [B, C, H, W]; on the CPU the convolution stays, whose float32
// results follow diffusers' to the last bits (test_train_step's second AdamW step amplifies any
// rounding difference).
at::Tensor pointwise(torch::nn::Conv2dImpl& conv, const at::Tensor& tokens) {
  return at::linear(tokens, conv.weight.flatten(1), conv.bias);
}

}  // namespace

at::Tensor Transformer2DImpl::forward(const at::Tensor& x, const at::Tensor& context) {
  const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  // Tokens are the pixels: [B, C, H, W] → [B, H·W, C], copied into dense rows once here, so that the
  // blocks' norms, matrix products and residual additions all run on contiguous memory (a strided
  // view would be copied again by every layer norm and would slow every addition).
  auto toTokens = [&](const at::Tensor& map) { return map.permute({0, 2, 3, 1}).reshape({b, h * w, c}).contiguous(); };
  const bool asMatmul = linearProjection || x.is_cuda();
  at::Tensor y;
  if (linearProjection) y = linearWithAdapter(*proj_in.get<torch::nn::Linear>(), toTokens(groupNorm(*norm, x, false)));
  else if (asMatmul) y = pointwise(*proj_in.get<torch::nn::Conv2d>(), toTokens(groupNorm(*norm, x, false)));
  else y = toTokens(proj_in.forward(groupNorm(*norm, x, false)));
  for (const auto& block : *transformer_blocks) y = block->as<BasicTransformerBlockImpl>()->forward(y, context);
  if (!asMatmul) return proj_out.forward(y.view({b, h, w, c}).permute({0, 3, 1, 2}).contiguous()) + x;
  y = linearProjection ? linearWithAdapter(*proj_out.get<torch::nn::Linear>(), y)
                       : pointwise(*proj_out.get<torch::nn::Conv2d>(), y);
  // The residual first, so that the sum takes its [B, C, H, W] layout.
  return x + y.view({b, h, w, c}).permute({0, 3, 1, 2});
}

}  // namespace sds::models
