#pragma once
// Dynamic loss scaling for fp16 training, as torch.cuda.amp.GradScaler does it: the loss is multiplied
// by a large scale so small gradients survive fp16; gradients are divided by it again before clipping;
// a step whose gradients overflowed is skipped and the scale halved, and after `growthInterval` clean
// steps the scale doubles. Disabled, it is the identity.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace sds::train {

class LossScaler {
 public:
  explicit LossScaler(bool enabled, double initialScale = 65536.0, std::int64_t growthInterval = 2000);

  bool enabled() const { return enabled_; }
  double scale() const { return enabled_ ? scale_ : 1.0; }
  at::Tensor scaled(const at::Tensor& loss) const { return enabled_ ? loss * scale_ : loss; }

  // Divides the gradients by the scale; returns false when any is infinite or NaN (skip the step).
  bool unscale(const std::vector<at::Tensor>& gradients) const;
  // After each optimizer step (or skipped step): adjusts the scale.
  void update(bool finite);

  // For checkpoints.
  std::int64_t cleanSteps() const { return cleanSteps_; }
  void restore(double scale, std::int64_t cleanSteps) { scale_ = scale, cleanSteps_ = cleanSteps; }

 private:
  bool enabled_;
  double scale_;
  std::int64_t growthInterval_;
  std::int64_t cleanSteps_ = 0;
};

}  // namespace sds::train
