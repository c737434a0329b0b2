#pragma once
// A swarm peer that is itself several workers of one machine (its GPUs, or CPU processes): the
// workers average their gradients over their process group (NCCL or Gloo) as in any data-parallel
// run, and rank 0 alone takes part in the swarm for all of them. Whatever the swarm decides on
// rank 0 (step, accumulate, load a state; new weights after a DiLoCo round or a state round; the
// swarm's averaged gradients) reaches the other ranks through the group, so every rank trains the
// same model as one peer. The trainer sees only GradientSync.

#include <cstdint>
#include <memory>

#include "train/gradient_sync.h"

namespace sds::train {

class SwarmGradientSync;

class SwarmGroupSync final : public GradientSync {
 public:
  // `local` is the workers' own exchange (every rank); `swarm` the swarm peer, on rank 0 only
  // (nullptr on the others). Rank 0 shares its seed salt with the others here.
  SwarmGroupSync(std::unique_ptr<GradientSync> local, std::unique_ptr<SwarmGradientSync> swarm);
  ~SwarmGroupSync() override;

  // Rank 0's swarm peer (for swarm_join and swarm_leave commands); nullptr on the other ranks.
  SwarmGradientSync* swarm() const { return swarm_.get(); }

  int worldSize() const override { return local_->worldSize(); }
  int rank() const override { return local_->rank(); }
  bool isGroup() const override { return true; }
  bool average(std::vector<at::Tensor>& gradients) override;
  void watch(const std::vector<at::Tensor>& parameters) override { local_->watch(parameters); }
  void beforeLastBackward() override { local_->beforeLastBackward(); }
  void averageValues(std::vector<double>& values) override { local_->averageValues(values); }
  void broadcastFromMain(std::vector<at::Tensor>& tensors) override { local_->broadcastFromMain(tensors); }
  void broadcastFrom(std::vector<at::Tensor>& tensors, int root) override { local_->broadcastFrom(tensors, root); }
  void waitForAll() override { local_->waitForAll(); }

  LocalStepVerdict afterLocalStep(std::int64_t step, std::int64_t samples, double seconds) override;
  void afterOptimizerStep(std::int64_t step) override;
  void finishRounds() override;
  std::uint64_t seedSalt() const override { return seedSalt_; }
  bool sharesState() const override { return true; }
  void setStateWriter(std::function<void(const std::string& path)> writer) override;
  void setRunIdentity(const std::string& identity) override;
  void setTrainedWeights(TrainedWeights access) override;
  std::map<std::string, at::Tensor> exchangeState() const override;
  void loadExchangeState(const std::map<std::string, at::Tensor>& state) override;

 private:
  bool isMain() const { return local_->rank() == 0; }
  // Rank 0's integers, on every rank.
  std::vector<std::int64_t> shareFromMain(std::vector<std::int64_t> values);
  // The weights (or the whole state) rank 0's swarm has just written, on every rank.
  void takeWhatMainWrote();

  std::unique_ptr<GradientSync> local_;
  std::unique_ptr<SwarmGradientSync> swarm_;
  TrainedWeights weights_;
  // Set while rank 0's swarm writes the weights (a DiLoCo round) or the whole state (a state round).
  bool joined_ = false;  // rank 0's peer was in a swarm at the last local step: rounds may follow
  bool weightsWritten_ = false;
  bool stateWritten_ = false;
  std::uint64_t seedSalt_ = 0;
};

}  // namespace sds::train
