#pragma once
// The one point where a step's numbers leave the process: the gradients after accumulation (before
// clipping and the optimizer), the few values every rank must agree on (requests, the loss for the
// events), the starting weights, and the waits while the main rank writes samples and checkpoints.
// A single process keeps everything as it is; data-parallel training (c10d ranks, swarm averaging)
// plugs in here without touching the loop.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sds::train {

// What a swarm peer does after a local step (its batches' backward passes): take the optimizer step
// now, accumulate another local step into the same gradients first (the swarm has not reached its
// target batch), or load the swarm's newer state from `statePath` (this peer fell behind) and begin
// the step afresh.
struct LocalStepVerdict {
  enum class Kind { Step, Accumulate, LoadState };
  Kind kind = Kind::Step;
  std::string statePath;
};

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
  // way during that backward pass: this waits for them (and sends those not sent yet). False: this
  // worker must not step with them (a swarm peer that missed its swarm's round takes the swarm's
  // state instead).
  virtual bool average(std::vector<at::Tensor>& gradients) = 0;
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

  // Swarm peers only (the others step after every local step). `step` is the optimizer steps done,
  // `samples` what this peer has accumulated into the gradients since the last one, `seconds` the
  // local step's time.
  virtual LocalStepVerdict afterLocalStep(std::int64_t step, std::int64_t samples, double seconds) { return {}; }
  // The weights after optimizer step `step` are final: a swarm peer may serve them to newcomers,
  // writing them with the trainer's state writer.
  virtual void afterOptimizerStep(std::int64_t step) {}
  // The training loop has ended (finished or stopped), before the last checkpoint and the model are
  // written: a round still averaging in the background ends and its result is applied. Every worker
  // calls it.
  virtual void finishRounds() {}
  // Mixed into the seeds of the data order and the noise: peers of a swarm, each a whole run of its
  // own, must not all draw the same batches (ranks of a group share the seed and split each batch).
  virtual std::uint64_t seedSalt() const { return 0; }
  // Whether this exchange serves and loads whole training states (a swarm's newcomers need them).
  virtual bool sharesState() const { return false; }
  // How the trainer writes its complete state (weights, optimizer, progress) to one file.
  virtual void setStateWriter(std::function<void(const std::string& path)> writer) {}
  // The run's portable identity (train/run_identity.h): peers of another configuration are refused.
  virtual void setRunIdentity(const std::string& identity) {}
  // The trained weights in float32, for exchanges that average weights rather than gradients
  // (DiLoCo): `read` returns CPU copies in a fixed order, `write` sets them (optimizer masters too).
  // `readState` and `writeState` do the same for the weights followed by the optimizer's
  // floating-point moments (none for 8-bit AdamW), for averaging the whole state.
  struct TrainedWeights {
    std::function<std::vector<at::Tensor>()> read;
    std::function<void(const std::vector<at::Tensor>&)> write;
    std::function<std::vector<at::Tensor>()> readState;
    std::function<void(const std::vector<at::Tensor>&)> writeState;
  };
  virtual void setTrainedWeights(TrainedWeights access) {}
  // The exchange's own state, which checkpoints and shared states carry (DiLoCo's outer weights and
  // momentum), and its restoration from them.
  virtual std::map<std::string, at::Tensor> exchangeState() const { return {}; }
  virtual void loadExchangeState(const std::map<std::string, at::Tensor>& state) {}
};

// One process, one device: nothing to exchange.
class LocalGradientSync final : public GradientSync {
 public:
  int worldSize() const override { return 1; }
  int rank() const override { return 0; }
  bool isGroup() const override { return false; }
  bool average(std::vector<at::Tensor>&) override { return true; }
  void averageValues(std::vector<double>&) override {}
  void broadcastFromMain(std::vector<at::Tensor>&) override {}
  void broadcastFrom(std::vector<at::Tensor>&, int) override {}
  void waitForAll() override {}
};

}  // namespace sds::train
