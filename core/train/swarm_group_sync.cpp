#include "train/swarm_group_sync.h"

#include <torch/torch.h>

#include <stdexcept>

#include "train/swarm_sync.h"

namespace sds::train {

SwarmGroupSync::SwarmGroupSync(std::unique_ptr<GradientSync> local, std::unique_ptr<SwarmGradientSync> swarm)
    : local_(std::move(local)), swarm_(std::move(swarm)) {
  if (isMain() != (swarm_ != nullptr)) throw std::logic_error("SwarmGroupSync: the swarm peer belongs to rank 0 alone");
  // The ranks of a peer split one batch: they draw its order and noise with the same salt.
  seedSalt_ = static_cast<std::uint64_t>(shareFromMain({isMain() ? static_cast<std::int64_t>(swarm_->seedSalt()) : 0})[0]);
}

SwarmGroupSync::~SwarmGroupSync() = default;

std::vector<std::int64_t> SwarmGroupSync::shareFromMain(std::vector<std::int64_t> values) {
  if (values.empty()) return values;
  std::vector<at::Tensor> packed{torch::tensor(values, torch::kInt64)};
  local_->broadcastFromMain(packed);
  const at::Tensor shared = packed[0].to(torch::kCPU);
  const auto accessor = shared.accessor<std::int64_t, 1>();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = accessor[static_cast<std::int64_t>(i)];
  return values;
}

bool SwarmGroupSync::average(std::vector<at::Tensor>& gradients) {
  local_->average(gradients);  // the peer's batch, over its ranks
  if (!joined_) return true;
  // Rank 0 averages the peer's gradients with the swarm (sync mode, while joined); the others take
  // the result, or skip the step with it when the swarm's round was missed.
  std::vector<std::int64_t> outcome{0, 1};
  if (isMain() && swarm_->isGroup()) outcome = {1, swarm_->average(gradients) ? 1 : 0};
  outcome = shareFromMain(outcome);
  if (outcome[0] && outcome[1]) local_->broadcastFromMain(gradients);
  return outcome[1] != 0;
}

LocalStepVerdict SwarmGroupSync::afterLocalStep(std::int64_t step, std::int64_t samples, double seconds) {
  LocalStepVerdict verdict;
  if (isMain()) verdict = swarm_->afterLocalStep(step, samples, seconds);
  // The verdict, whether rounds may follow, the salt (a peer joined by command draws anew) and the
  // state file's path, whose ranks share the machine and so its run folder.
  const std::vector<std::int64_t> shared =
      shareFromMain({static_cast<std::int64_t>(verdict.kind), isMain() && swarm_->joined() ? 1 : 0,
                     static_cast<std::int64_t>(isMain() ? swarm_->seedSalt() : 0),
                     static_cast<std::int64_t>(verdict.statePath.size())});
  verdict.kind = static_cast<LocalStepVerdict::Kind>(shared[0]);
  joined_ = shared[1] != 0;
  seedSalt_ = static_cast<std::uint64_t>(shared[2]);
  if (shared[3] > 0) {
    std::vector<std::int64_t> bytes(static_cast<std::size_t>(shared[3]), 0);
    for (std::size_t i = 0; isMain() && i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(verdict.statePath[i]);
    bytes = shareFromMain(std::move(bytes));
    verdict.statePath.assign(bytes.size(), '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) verdict.statePath[i] = static_cast<char>(bytes[i]);
  }
  return verdict;
}

void SwarmGroupSync::afterOptimizerStep(std::int64_t step) {
  weightsWritten_ = stateWritten_ = false;
  if (isMain()) swarm_->afterOptimizerStep(step);
  if (!joined_) return;  // alone, the swarm changes nothing (it may serve no state either)
  takeWhatMainWrote();  // a DiLoCo round's weights, a state round's weights and moments
}

void SwarmGroupSync::finishRounds() {
  weightsWritten_ = stateWritten_ = false;
  if (isMain()) swarm_->finishRounds();
  if (joined_) takeWhatMainWrote();
}

void SwarmGroupSync::takeWhatMainWrote() {
  const std::vector<std::int64_t> written = shareFromMain({weightsWritten_ ? 1 : 0, stateWritten_ ? 1 : 0});
  const bool state = written[1] != 0;
  if (!state && written[0] == 0) return;
  // The other ranks' own values give the shapes that rank 0's fill.
  std::vector<at::Tensor> values = state ? weights_.readState() : weights_.read();
  local_->broadcastFromMain(values);
  if (isMain()) return;
  if (state)
    weights_.writeState(values);
  else
    weights_.write(values);
}

void SwarmGroupSync::setStateWriter(std::function<void(const std::string& path)> writer) {
  if (isMain()) swarm_->setStateWriter(std::move(writer));
}

void SwarmGroupSync::setRunIdentity(const std::string& identity) {
  if (isMain()) swarm_->setRunIdentity(identity);
}

void SwarmGroupSync::setTrainedWeights(TrainedWeights access) {
  weights_ = access;
  if (!isMain()) return;
  // Rank 0's swarm writes through these, which mark what the other ranks must take.
  TrainedWeights marked = access;
  marked.write = [this](const std::vector<at::Tensor>& values) {
    weightsWritten_ = true;
    weights_.write(values);
  };
  marked.writeState = [this](const std::vector<at::Tensor>& values) {
    stateWritten_ = true;
    weights_.writeState(values);
  };
  swarm_->setTrainedWeights(std::move(marked));
}

std::map<std::string, at::Tensor> SwarmGroupSync::exchangeState() const {
  // Rank 0 writes checkpoints and states; it alone holds the swarm's part of them.
  return isMain() ? swarm_->exchangeState() : std::map<std::string, at::Tensor>{};
}

void SwarmGroupSync::loadExchangeState(const std::map<std::string, at::Tensor>& state) {
  // Every rank restores the same file (resuming, or taking the swarm's state); a DiLoCo newcomer's
  // rank 0 then sets the swarm's outer weights, which the others take too.
  weightsWritten_ = stateWritten_ = false;
  if (isMain()) swarm_->loadExchangeState(state);
  if (weights_.read) takeWhatMainWrote();  // resuming at the start: nothing can have been written yet
}

}  // namespace sds::train
