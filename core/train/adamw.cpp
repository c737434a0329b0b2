#include "train/adamw.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "runtime/torch_compat.h"
#if SDS_FUSED_ADAMW_8BIT
#include "train/cuda/adamw_8bit.h"
#endif

namespace sds::train {

QuantizedMoment QuantizedMoment::zeros(std::int64_t numel, bool isSigned, const c10::Device& device) {
  const std::int64_t blocks = (numel + kBlock - 1) / kBlock;
  QuantizedMoment q;
  q.isSigned = isSigned;
  q.codes = torch::zeros({blocks * kBlock}, torch::TensorOptions(isSigned ? torch::kInt8 : torch::kUInt8).device(device));
  q.scales = torch::zeros({blocks}, torch::TensorOptions(torch::kFloat32).device(device));
  return q;
}

at::Tensor QuantizedMoment::decode(std::int64_t numel) const {
  const double top = isSigned ? 127.0 : 255.0;
  const at::Tensor c = codes.to(torch::kFloat32).view({-1, kBlock}).div(top);
  // Fourth-power companding: code k stands for (k/top)^4 of the block's maximum.
  const at::Tensor magnitude = c.abs().pow(4) * scales.view({-1, 1});
  return (isSigned ? magnitude * c.sign() : magnitude).flatten().slice(0, 0, numel);
}

void QuantizedMoment::encode(const at::Tensor& values) {
  const std::int64_t numel = values.numel();
  const at::Tensor padded = torch::zeros({codes.numel()}, scales.options());
  padded.slice(0, 0, numel).copy_(values.flatten());
  const at::Tensor blocks = padded.view({-1, kBlock});
  const at::Tensor absmax = blocks.abs().amax(1);
  scales.copy_(absmax);
  const double top = isSigned ? 127.0 : 255.0;
  const at::Tensor normalized = blocks.abs() / absmax.clamp_min(1e-30).view({-1, 1});
  at::Tensor k = normalized.pow(0.25).mul(top).round();
  if (isSigned) k = k * blocks.sign();
  codes.copy_(k.flatten().to(codes.scalar_type()));
}


AdamW::AdamW(std::vector<std::pair<std::string, at::Tensor>> parameters, AdamWOptions options) : options_(options) {
  torch::NoGradGuard noGrad;
  for (auto& [name, p] : parameters) {
    Slot s;
    s.name = name;
    s.parameter = p;
    const bool low = p.scalar_type() == torch::kBFloat16 || p.scalar_type() == torch::kFloat16;
    if (low) s.master = p.detach().to(torch::kFloat32).clone();
    const at::Tensor& reference = low ? s.master : p;
    if (options.eightBit) {
      s.qm = QuantizedMoment::zeros(p.numel(), true, p.device());
      s.qv = QuantizedMoment::zeros(p.numel(), false, p.device());
    } else {
      s.m = torch::zeros_like(reference, torch::MemoryFormat::Preserve);
      s.v = torch::zeros_like(reference, torch::MemoryFormat::Preserve);
    }
    slots_.push_back(std::move(s));
  }
}

bool AdamW::fusedStep(double lr) {
#if SDS_TORCH_AT_LEAST(2, 1)
  if (options_.eightBit || slots_.empty()) return false;
  for (const Slot& s : slots_)
    if (!s.parameter.is_cuda() || !s.parameter.grad().defined() || s.steps != slots_.front().steps) return false;
  if (!fused_.ready) {
    // Groups of parameters of about kChunk elements: lower-precision gradients are widened to float32
    // one group at a time in one shared buffer, so the step needs kChunk floats more, not a float32
    // copy of every gradient. The lists are made once; each step only gathers the new gradients.
    constexpr std::int64_t kChunk = std::int64_t(1) << 24;
    fused_ = Fused{};
    std::int64_t filled = kChunk, buffer = 0, low = 0;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      Slot& s = slots_[i];
      if (filled + s.parameter.numel() > kChunk && filled > 0) {
        fused_.groups.emplace_back();
        filled = 0;
        low = 0;
      }
      Fused::Group& g = fused_.groups.back();
      g.members.push_back(i);
      g.weights.push_back(s.master.defined() ? s.master : s.parameter);
      g.m.push_back(s.m);
      g.v.push_back(s.v);
      g.steps.push_back(torch::full({}, double(s.steps), s.m.options().dtype(torch::kFloat32)));
      if (s.master.defined()) {
        g.lowParameters.push_back(s.parameter);
        g.masters.push_back(s.master);
        low += s.parameter.numel();
      }
      filled += s.parameter.numel();
      buffer = std::max(buffer, low);
    }
    if (buffer > 0) {
      fused_.gradBuffer = torch::empty({buffer}, slots_.front().parameter.options().dtype(torch::kFloat32));
      // Views with the masters' strides (channels-last weights included): the fused kernel wants
      // gradients laid out as their weights.
      for (Fused::Group& g : fused_.groups) {
        std::int64_t offset = 0;
        for (const at::Tensor& master : g.masters) {
          g.wide.push_back(fused_.gradBuffer.as_strided(master.sizes(), master.strides(), offset));
          offset += master.numel();
        }
      }
    }
    fused_.ready = true;
  }
  for (Fused::Group& g : fused_.groups) {
    std::vector<at::Tensor> grads, lowGrads;
    std::size_t wide = 0;
    for (std::size_t i : g.members) {
      const Slot& s = slots_[i];
      if (s.master.defined()) {
        lowGrads.push_back(s.parameter.grad());
        grads.push_back(g.wide[wide++]);
      } else {
        grads.push_back(s.parameter.grad());
      }
    }
    if (!lowGrads.empty()) at::_foreach_copy_(g.wide, lowGrads);
    at::_foreach_add_(g.steps, 1);
    at::_fused_adamw_(g.weights, grads, g.m, g.v, {}, g.steps, lr, options_.beta1, options_.beta2,
                      options_.weightDecay, options_.epsilon, false, false);
    if (!g.masters.empty()) at::_foreach_copy_(g.lowParameters, g.masters);
  }
  for (Slot& s : slots_) ++s.steps;
  ++steps_;
  return true;
#else
  (void)lr;
  return false;
#endif
}

void AdamW::step(double lr) {
  torch::NoGradGuard noGrad;
  if (fusedStep(lr)) return;
  fused_.ready = false;  // the per-tensor path moves the step counts on without the fused tensors
  const double b1 = options_.beta1, b2 = options_.beta2;
  for (Slot& s : slots_) {
    const at::Tensor& grad0 = s.parameter.grad();
    if (!grad0.defined()) continue;
    at::Tensor param = s.master.defined() ? s.master : s.parameter;
    ++s.steps;
    const double bias1 = 1.0 - std::pow(b1, static_cast<double>(s.steps));
    const double bias2Sqrt = std::sqrt(1.0 - std::pow(b2, static_cast<double>(s.steps)));
#if SDS_FUSED_ADAMW_8BIT
    if (options_.eightBit && options_.fusedKernels) {
      cuda::EightBitUpdate u;
      u.parameter = s.parameter, u.master = s.master, u.grad = grad0;
      u.mCodes = s.qm.codes, u.mScales = s.qm.scales, u.vCodes = s.qv.codes, u.vScales = s.qv.scales;
      u.lr = lr, u.beta1 = b1, u.beta2 = b2, u.epsilon = options_.epsilon, u.weightDecay = options_.weightDecay;
      u.bias1 = bias1, u.bias2Sqrt = bias2Sqrt;
      if (cuda::canUpdate(u)) {
        cuda::update(u);
        continue;
      }
    }
#endif
    const at::Tensor grad = s.master.defined() ? grad0.to(torch::kFloat32) : grad0;
    at::Tensor m, v;
    if (options_.eightBit) {
      m = s.qm.decode(param.numel()).view(param.sizes()).to(param.scalar_type());
      v = s.qv.decode(param.numel()).view(param.sizes()).to(param.scalar_type());
    } else {
      m = s.m;
      v = s.v;
    }
    param.mul_(1.0 - lr * options_.weightDecay);
    m.lerp_(grad, 1.0 - b1);
    v.mul_(b2).addcmul_(grad, grad, 1.0 - b2);
    const at::Tensor denom = (v.sqrt() / bias2Sqrt).add_(options_.epsilon);
    param.addcdiv_(m, denom, -lr / bias1);
    if (options_.eightBit) {
      s.qm.encode(m.to(torch::kFloat32));
      s.qv.encode(v.to(torch::kFloat32));
    }
    if (s.master.defined()) s.parameter.copy_(s.master);
  }
  ++steps_;
}

void AdamW::zeroGrad() {
  for (Slot& s : slots_)
    if (s.parameter.grad().defined()) s.parameter.mutable_grad() = at::Tensor();
}

std::size_t AdamW::stateBytes() const {
  std::size_t bytes = 0;
  auto add = [&](const at::Tensor& t) {
    if (t.defined()) bytes += static_cast<std::size_t>(t.numel() * t.element_size());
  };
  for (const Slot& s : slots_) {
    add(s.master);
    add(s.m), add(s.v);
    add(s.qm.codes), add(s.qm.scales), add(s.qv.codes), add(s.qv.scales);
  }
  return bytes;
}

std::map<std::string, at::Tensor> AdamW::state() const {
  std::map<std::string, at::Tensor> out;
  out["step"] = torch::tensor(steps_, torch::kLong);
  for (const Slot& s : slots_) {
    out[s.name + ".step"] = torch::tensor(s.steps, torch::kLong);
    if (s.master.defined()) out[s.name + ".master"] = s.master;
    if (options_.eightBit) {
      out[s.name + ".m.codes"] = s.qm.codes, out[s.name + ".m.scales"] = s.qm.scales;
      out[s.name + ".v.codes"] = s.qv.codes, out[s.name + ".v.scales"] = s.qv.scales;
    } else {
      out[s.name + ".m"] = s.m, out[s.name + ".v"] = s.v;
    }
  }
  return out;
}

void AdamW::loadState(const std::map<std::string, at::Tensor>& state) {
  torch::NoGradGuard noGrad;
  fused_.ready = false;
  auto restore = [&](const std::string& key, at::Tensor& target) {
    const auto it = state.find(key);
    if (it == state.end()) throw std::runtime_error("optimizer state: \"" + key + "\" is missing");
    if (it->second.sizes() != target.sizes())
      throw std::runtime_error("optimizer state: \"" + key + "\" has another shape than the parameter it belongs to");
    target.copy_(it->second);
  };
  auto count = [&](const std::string& key) {
    const auto it = state.find(key);
    if (it == state.end()) throw std::runtime_error("optimizer state: \"" + key + "\" is missing");
    return it->second.item<std::int64_t>();
  };
  steps_ = count("step");
  for (Slot& s : slots_) {
    s.steps = count(s.name + ".step");
    if (s.master.defined()) {
      restore(s.name + ".master", s.master);
      s.parameter.copy_(s.master);
    }
    if (options_.eightBit) {
      restore(s.name + ".m.codes", s.qm.codes), restore(s.name + ".m.scales", s.qm.scales);
      restore(s.name + ".v.codes", s.qv.codes), restore(s.name + ".v.scales", s.qv.scales);
    } else {
      restore(s.name + ".m", s.m), restore(s.name + ".v", s.v);
    }
  }
}

at::Tensor AdamW::weights(const std::string& name) const {
  for (const Slot& s : slots_)
    if (s.name == name) return s.master.defined() ? s.master : s.parameter;
  return {};
}

bool AdamW::assignWeights(const std::string& name, const at::Tensor& value) {
  torch::NoGradGuard noGrad;
  for (Slot& s : slots_) {
    if (s.name != name) continue;
    // In place: the fused path holds these very tensors.
    if (s.master.defined()) s.master.copy_(value);
    s.parameter.copy_(value);
    return true;
  }
  return false;
}

}  // namespace sds::train
