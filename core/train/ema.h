#pragma once
// An exponential moving average of the weights, as diffusers' EMAModel keeps it: the decay ramps up as
// (1 + n) / (10 + n) over the first updates, capped at the configured decay, so early weights do not
// dominate; the first update copies the weights. Optionally held on the CPU to save GPU memory.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "train/ema_options.h"

namespace sds::train {

class Ema {
 public:
  Ema(std::vector<std::pair<std::string, at::Tensor>> parameters, const EmaOptions& options);

  // The decay used by the n-th update (1-based).
  double decayAt(std::int64_t update) const;
  // Moves the average towards the parameters' current values.
  void update();
  std::int64_t updates() const { return updates_; }

  // The averaged weights by parameter name (float32).
  const std::map<std::string, at::Tensor>& weights() const { return shadow_; }
  // Copies the averaged weights into the parameters (for saving or sampling with the EMA).
  void copyTo(std::vector<std::pair<std::string, at::Tensor>>& parameters) const;

  std::map<std::string, at::Tensor> state() const;
  void loadState(const std::map<std::string, at::Tensor>& state);  // throws std::runtime_error naming a key

 private:
  std::vector<std::pair<std::string, at::Tensor>> parameters_;
  std::map<std::string, at::Tensor> shadow_;
  double decay_;
  std::int64_t updates_ = 0;
};

}  // namespace sds::train
