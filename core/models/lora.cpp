#include "models/lora.h"

#include <torch/torch.h>

#include <cmath>
#include <stdexcept>

namespace sds::models {

LoraAdapterImpl::LoraAdapterImpl(int64_t in, int64_t out, int64_t rank, double alpha) : rank(rank), alpha(alpha) {
  if (rank < 1) throw std::invalid_argument("LoRA rank must be at least 1");
  down = register_module("down", torch::nn::Linear(torch::nn::LinearOptions(in, rank).bias(false)));
  up = register_module("up", torch::nn::Linear(torch::nn::LinearOptions(rank, out).bias(false)));
  torch::NoGradGuard noGrad;
  up->weight.zero_();
}

at::Tensor LoraAdapterImpl::forward(const at::Tensor& x) {
  const at::Tensor input = dropout > 0 && is_training() ? torch::dropout(x, dropout, true) : x;
  return up(down(input)) * (alpha / static_cast<double>(rank));
}

LoraAdapterImpl* adapterOf(torch::nn::Module& linear) {
  for (const auto& child : linear.named_children())
    if (child.key() == "lora") return child.value()->as<LoraAdapterImpl>();
  return nullptr;
}

at::Tensor linearWithAdapter(torch::nn::LinearImpl& linear, const at::Tensor& x) {
  at::Tensor y = linear.forward(x);
  if (LoraAdapterImpl* adapter = adapterOf(linear)) y = y + adapter->forward(x);
  return y;
}

LoraAdapterImpl& attachAdapter(torch::nn::LinearImpl& linear, int64_t rank, double alpha, double dropout) {
  const at::Tensor& w = linear.weight;
  LoraAdapter adapter(w.size(1), w.size(0), rank, alpha);
  adapter->dropout = dropout;
  adapter->to(w.device(), w.scalar_type());
  linear.register_module("lora", adapter);
  return *adapter;
}

namespace {

bool endsWith(const std::string& name, const std::string& suffix) {
  return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         (name.size() == suffix.size() || name[name.size() - suffix.size() - 1] == '.');
}

}  // namespace

std::vector<std::string> attachLora(torch::nn::Module& model, const LoraOptions& options) {
  std::vector<std::string> attached;
  std::vector<bool> used(options.targets.size(), false);
  const auto modules = model.named_modules("", false);
  for (const auto& item : modules)
    if (endsWith(item.key(), "lora")) throw std::invalid_argument("LoRA adapters are already attached (" + item.key() + ")");
  for (const auto& item : modules) {
    for (std::size_t t = 0; t < options.targets.size(); ++t) {
      if (!endsWith(item.key(), options.targets[t])) continue;
      auto* linear = item.value()->as<torch::nn::LinearImpl>();
      if (!linear) continue;  // a convolution or a container of the same name
      used[t] = true;
      attachAdapter(*linear, options.rank, options.alpha, options.dropout);
      attached.push_back(item.key());
      break;
    }
  }
  for (std::size_t t = 0; t < options.targets.size(); ++t)
    if (!used[t])
      throw std::invalid_argument("lora.target_modules: \"" + options.targets[t] +
                                  "\" matches no linear layer of the model");
  return attached;
}

}  // namespace sds::models
