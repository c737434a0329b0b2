#pragma once
// LoRA: a trainable low-rank update next to a frozen linear layer, y = W x + (alpha / rank) · B A x,
// with A (down, rank × in) initialised as PyTorch initialises linear layers and B (up, out × rank) at
// zero, so training starts from the base model. An adapter is registered as the child "lora" of its
// linear layer (parameters "<layer>.lora.down.weight", "<layer>.lora.up.weight"); the blocks call
// their linear layers through linearWithAdapter, which adds the adapter's term when there is one.

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <string>
#include <vector>

namespace sds::models {

struct LoraAdapterImpl : torch::nn::Module {
  LoraAdapterImpl(int64_t in, int64_t out, int64_t rank, double alpha);
  at::Tensor forward(const at::Tensor& x);  // (alpha / rank) · up(down(dropout(x)))
  torch::nn::Linear down{nullptr}, up{nullptr};
  int64_t rank;
  double alpha;
  double dropout = 0;  // probability, applied to the adapter's input while training
};
TORCH_MODULE(LoraAdapter);

// linear(x), plus its adapter's term when one is attached.
at::Tensor linearWithAdapter(torch::nn::LinearImpl& linear, const at::Tensor& x);

// The adapter attached to a linear layer, or nullptr.
LoraAdapterImpl* adapterOf(torch::nn::Module& linear);

// Attaches a fresh adapter to one linear layer, on its device and dtype.
LoraAdapterImpl& attachAdapter(torch::nn::LinearImpl& linear, int64_t rank, double alpha, double dropout = 0);

struct LoraOptions {
  int64_t rank = 16;
  double alpha = 16;
  double dropout = 0;
  // Layers whose name ends with one of these ("to_q" matches "…attn1.to_q"; "to_out.0" the output
  // projection). Only linear layers can take adapters.
  std::vector<std::string> targets{"to_q", "to_k", "to_v", "to_out.0"};
};

// Attaches an adapter, on the layer's device and dtype, to every matching linear layer of `model` and
// returns their names. Throws std::invalid_argument naming a target that matches no linear layer (or
// only convolutions), and when adapters are already attached.
std::vector<std::string> attachLora(torch::nn::Module& model, const LoraOptions& options);

}  // namespace sds::models
