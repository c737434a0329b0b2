#pragma once
// The UNet's attention blocks (diffusers' Transformer2DModel with BasicTransformerBlocks): self-
// attention, cross-attention to the text embeddings, and a GEGLU feed-forward, on the flattened
// feature map. Parameter names follow diffusers (attn1.to_q.weight, ff.net.0.proj.weight, proj_in, …).

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace sds::models {

struct CrossAttentionImpl : torch::nn::Module {
  // contextDim 0: self-attention.
  CrossAttentionImpl(int64_t queryDim, int64_t contextDim, int64_t heads, int64_t headDim, bool upcast);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context = {});
  int64_t heads;
  bool upcast;
  torch::nn::Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr};
  torch::nn::ModuleList to_out;  // [Linear], named to_out.0 as in diffusers
};
TORCH_MODULE(CrossAttention);

// GEGLU runs as one CUDA kernel each way where built (models/cuda/geglu.h), unless turned off
// (models/fused_kernels.h).
struct GegluImpl : torch::nn::Module {
  GegluImpl(int64_t dim, int64_t inner);
  at::Tensor forward(const at::Tensor& x);
  torch::nn::Linear proj{nullptr};
};
TORCH_MODULE(Geglu);

struct FeedForwardImpl : torch::nn::Module {
  explicit FeedForwardImpl(int64_t dim);
  at::Tensor forward(const at::Tensor& x);
  torch::nn::ModuleList net;  // net.0 = GEGLU, net.2 = Linear (net.1 is dropout in diffusers, unused here)
  Geglu geglu{nullptr};
  torch::nn::Linear out{nullptr};
};
TORCH_MODULE(FeedForward);

struct BasicTransformerBlockImpl : torch::nn::Module {
  BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t headDim, int64_t contextDim, bool upcast);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context);
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
  CrossAttention attn1{nullptr}, attn2{nullptr};
  FeedForward ff{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

struct Transformer2DOptions {
  int64_t channels = 320;
  int64_t heads = 8;
  int64_t layers = 1;
  int64_t contextDim = 768;
  int64_t groups = 32;
  bool linearProjection = false;
  bool upcastAttention = false;
};

struct Transformer2DImpl : torch::nn::Module {
  explicit Transformer2DImpl(const Transformer2DOptions& options);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context);
  bool linearProjection;
  torch::nn::GroupNorm norm{nullptr};
  torch::nn::AnyModule proj_in, proj_out;  // Linear or 1×1 Conv2d
  torch::nn::ModuleList transformer_blocks;
};
TORCH_MODULE(Transformer2D);

}  // namespace sds::models
