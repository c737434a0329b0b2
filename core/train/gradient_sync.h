#pragma once
// The one point where the gradients of a step leave the process: after accumulation, before clipping
// and the optimizer. A single process keeps them as they are; data-parallel training (NCCL ranks,
// swarm averaging) plugs in here by averaging them across workers, without touching the loop.

#include <ATen/core/Tensor.h>

#include <vector>

namespace sds::train {

class GradientSync {
 public:
  virtual ~GradientSync() = default;
  // Workers taking part; their batches together make the effective batch.
  virtual int worldSize() const = 0;
  // Replaces each gradient with its average over the workers (every worker passes the same list).
  virtual void average(std::vector<at::Tensor>& gradients) = 0;
};

// One process, one device: nothing to exchange.
class LocalGradientSync final : public GradientSync {
 public:
  int worldSize() const override { return 1; }
  void average(std::vector<at::Tensor>&) override {}
};

}  // namespace sds::train
