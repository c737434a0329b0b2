#pragma once
// The one point where a step's numbers leave the process: the gradients after accumulation (before
// clipping and the optimizer), the few values every rank must agree on (requests, the loss for the
// events), the starting weights, and the waits while the main rank writes samples and checkpoints.
// A single process keeps everything as it is; data-parallel training (c10d ranks, swarm averaging)
// plugs in here without touching the loop.

#include <ATen/core/Tensor.h>

#include <vector>

namespace sds::train {

class GradientSync {
 public:
  virtual ~GradientSync() = default;
  // Workers taking part; their batches together make the effective batch.
  virtual int worldSize() const = 0;
  // This worker's place; rank 0 writes checkpoints, samples, logs and the events.
  virtual int rank() const = 0;
  // Whether gradients go through a process group, also one of a single rank (the distributed path).
  virtual bool isGroup() const = 0;
  // Replaces each gradient with its average over the workers (every worker passes the same list).
  // After watch() and beforeLastBackward(), the trained parameters' gradients were already on their
  // way during that backward pass: this waits for them (and sends those not sent yet).
  virtual void average(std::vector<at::Tensor>& gradients) = 0;
  // The trained parameters, once: their gradients may then be sent as backward completes them.
  virtual void watch(const std::vector<at::Tensor>& parameters) {}
  // The next backward pass is the step's last (after gradient accumulation).
  virtual void beforeLastBackward() {}
  // Replaces each value with its mean over the workers.
  virtual void averageValues(std::vector<double>& values) = 0;
  // Every worker takes the main worker's values of these tensors.
  virtual void broadcastFromMain(std::vector<at::Tensor>& tensors) = 0;
  // Every worker takes worker `root`'s values (the weights it updated, with a sharded optimizer).
  virtual void broadcastFrom(std::vector<at::Tensor>& tensors, int root) = 0;
  // Returns when every worker has arrived, however long the main one took (samples, checkpoints).
  virtual void waitForAll() = 0;
};

// One process, one device: nothing to exchange.
class LocalGradientSync final : public GradientSync {
 public:
  int worldSize() const override { return 1; }
  int rank() const override { return 0; }
  bool isGroup() const override { return false; }
  void average(std::vector<at::Tensor>&) override {}
  void averageValues(std::vector<double>&) override {}
  void broadcastFromMain(std::vector<at::Tensor>&) override {}
  void broadcastFrom(std::vector<at::Tensor>&, int) override {}
  void waitForAll() override {}
};

}  // namespace sds::train
