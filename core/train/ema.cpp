#include "train/ema.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

namespace sds::train {

Ema::Ema(std::vector<std::pair<std::string, at::Tensor>> parameters, const EmaOptions& options)
    : parameters_(std::move(parameters)), decay_(options.decay) {
  torch::NoGradGuard noGrad;
  for (const auto& [name, p] : parameters_) {
    at::Tensor copy = p.detach().to(torch::kFloat32).clone();
    shadow_.emplace(name, options.onCpu ? copy.cpu() : copy);
  }
}

double Ema::decayAt(std::int64_t update) const {
  const std::int64_t n = update - 1;
  if (n <= 0) return 0.0;
  return std::min(decay_, (1.0 + static_cast<double>(n)) / (10.0 + static_cast<double>(n)));
}

void Ema::update() {
  torch::NoGradGuard noGrad;
  const double oneMinus = 1.0 - decayAt(++updates_);
  for (const auto& [name, p] : parameters_) {
    at::Tensor& s = shadow_.at(name);
    s.sub_((s - p.detach().to(s.device(), torch::kFloat32)).mul_(oneMinus));
  }
}

void Ema::copyTo(std::vector<std::pair<std::string, at::Tensor>>& parameters) const {
  torch::NoGradGuard noGrad;
  for (auto& [name, p] : parameters) {
    const auto it = shadow_.find(name);
    if (it == shadow_.end()) throw std::runtime_error("EMA: no average for \"" + name + "\"");
    p.copy_(it->second);
  }
}

std::map<std::string, at::Tensor> Ema::state() const {
  std::map<std::string, at::Tensor> out;
  for (const auto& [name, s] : shadow_) out["ema." + name] = s;
  out["ema.updates"] = torch::tensor(updates_, torch::kLong);
  return out;
}

void Ema::loadState(const std::map<std::string, at::Tensor>& state) {
  torch::NoGradGuard noGrad;
  const auto count = state.find("ema.updates");
  if (count == state.end()) throw std::runtime_error("EMA state: \"ema.updates\" is missing");
  updates_ = count->second.item<std::int64_t>();
  for (auto& [name, s] : shadow_) {
    const auto it = state.find("ema." + name);
    if (it == state.end() || it->second.sizes() != s.sizes())
      throw std::runtime_error("EMA state: \"ema." + name + "\" is missing or has another shape");
    s.copy_(it->second);
  }
}

}  // namespace sds::train
