#pragma once
// Training as one peer of a swarm. Sync mode (hivemind's Optimizer): the peer accumulates local
// steps into its gradients until the swarm together has reached the target batch, then averages
// them with the peers that are ready (weighted by samples) and every peer takes the same optimizer
// step, the swarm's epoch being the step. DiLoCo mode: peers take optimizer steps of their own until
// the swarm together has trained `localSteps` steps per peer (a faster peer takes more of them), then
// the peers average their pseudo-gradients (outer weights − current weights) and all take the same
// outer Nesterov step from the same outer weights; the swarm's epoch counts those rounds. With
// overlapped rounds (the default) a round averages in the background while the next window trains,
// and its outer step is applied when it ends, one window late: the peer's weights become the new
// outer weights plus what it trained since the round began, and its next pseudo-gradient is that
// window's own work. Rounds
// follow the swarm's progress, not each peer's step count, so that peers of unequal pace come to
// matchmaking together. A peer behind the swarm (a newcomer, or one that missed a round) downloads the current
// state from a peer and continues from there; a peer serves its state when others ask for it. The
// trainer sees only GradientSync.

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "protocol/events.h"
#include "swarm/swarm_peer.h"
#include "train/gradient_sync.h"

namespace sds::train {

struct SwarmSettings;

enum class SwarmMode { Sync, DiLoCo };

struct SwarmSyncOptions {
  bool joinAtStart = true;  // false: trains alone until requestJoin
  SwarmMode mode = SwarmMode::Sync;
  // DiLoCo: local steps between rounds, and the outer Nesterov step.
  int localSteps = 100;
  bool overlapRounds = true;  // a round averages while the next window trains
  double outerLearningRate = 0.7;
  double outerMomentum = 0.9;
  // Sync: epochs between two averagings of the weights and optimizer moments (0: never).
  int averageStateEvery = 10;
  swarm::SwarmPeerOptions peer;
  std::string stateFolder;  // where state files for others and downloaded ones go (<run>/swarm)
  // How long a peer behind the swarm waits for another to serve the state before giving up.
  std::chrono::milliseconds stateWait{120'000};
  std::function<void(const protocol::Event&)> event;  // swarm events, from the training thread
};

// The options from the project's [swarm] section; `runFolder` holds this machine's identity file.
SwarmSyncOptions swarmSyncOptions(const SwarmSettings& settings, const std::string& runFolder);

class SwarmGradientSync final : public GradientSync {
 public:
  // Joins the swarm (server, discovery) when options.joinAtStart. Throws std::invalid_argument or
  // std::runtime_error naming the setting or port at fault.
  explicit SwarmGradientSync(SwarmSyncOptions options);
  ~SwarmGradientSync() override;

  int worldSize() const override { return 1; }
  int rank() const override { return 0; }
  // Gradients leave the process (sync mode; DiLoCo steps on its own gradients).
  bool isGroup() const override { return peer_ != nullptr && options_.mode == SwarmMode::Sync; }
  // In a swarm now (joins and leaves take effect in afterLocalStep).
  bool joined() const { return peer_ != nullptr; }
  bool average(std::vector<at::Tensor>& gradients) override;
  void averageValues(std::vector<double>&) override {}
  void broadcastFromMain(std::vector<at::Tensor>&) override {}
  void broadcastFrom(std::vector<at::Tensor>&, int) override {}
  void waitForAll() override {}

  LocalStepVerdict afterLocalStep(std::int64_t step, std::int64_t samples, double seconds) override;
  void afterOptimizerStep(std::int64_t step) override;
  void finishRounds() override;
  bool sharesState() const override { return true; }
  std::uint64_t seedSalt() const override;
  void setStateWriter(std::function<void(const std::string& path)> writer) override { writeState_ = std::move(writer); }
  void setRunIdentity(const std::string& identity) override;
  void setTrainedWeights(TrainedWeights access) override { weights_ = std::move(access); }
  std::map<std::string, at::Tensor> exchangeState() const override;
  void loadExchangeState(const std::map<std::string, at::Tensor>& state) override;

  // From any thread (the command reader): joins with these options, or leaves, at the next local
  // step; a running round is finished first. Joining fails without ending the training (a `swarm`
  // event with state failed says why).
  void requestJoin(swarm::SwarmPeerOptions peer);
  void requestLeave();
  // Leaves the swarm (the record expires, connections end); training can go on alone.
  void leave();

 private:
  void join(const swarm::SwarmPeerOptions& peer);
  void applyRequests();
  // A newcomer among peers of other settings: refused, with the differences named.
  void refuseIfForeign();
  std::string publishedSettings(const std::string& identity) const;
  bool diloco() const { return options_.mode == SwarmMode::DiLoCo; }
  // What the peer publishes as its epoch: the step (sync), or the windows it has trained (DiLoCo:
  // the outer rounds applied, and the one averaging in the background).
  std::int64_t swarmEpoch(std::int64_t step) const { return diloco() ? outerEpoch_ + (pending_ ? 1 : 0) : step; }
  // The verdict to load another peer's state from `statePath`.
  LocalStepVerdict adopt(const std::string& statePath);
  // `waited`: the seconds the training spent on the round (copies, waiting, applying).
  void emitRound(std::int64_t epoch, const swarm::RoundResult& round, const std::string& kind, double waited) const;
  // DiLoCo: the round of the window just trained begins (in the background with overlap); settled
  // at once without.
  void startOuterRound();
  // Waits for the pending round and takes its outer step. False: others averaged without this peer
  // (it is behind them now and takes their state).
  bool settleOuterRound();
  // The pending round ends without its result (the swarm is left, or its state taken instead).
  void abandonOuterRound();
  // Sync: the weights and optimizer moments averaged among the peers that took `step`.
  void stateRound(std::int64_t step);
  // Whether the swarm has trained a window's samples: `localSteps` steps of this peer's batch for
  // every peer on the epoch (alone: this peer's `localSteps` steps).
  bool windowDone(const swarm::SwarmProgress& progress, std::int64_t epoch) const;
  // Other peers in this peer's view of the swarm: a round without a group then means a missed round.
  bool othersAbout() const;
  void emitEvent(const protocol::Event& e) const;
  void swarmState(const std::string& state, const std::string& detail = {}) const;
  void emitStatus(const swarm::SwarmProgress& progress, bool force);
  void serveStateIfAsked(std::int64_t step);
  // The downloaded file; nothing when no peer to take it from is left (a newcomer takes the state of
  // any other epoch than its own, a running peer only while it is off the swarm's epoch).
  std::optional<std::string> downloadState(std::int64_t step, bool newcomer);

  SwarmSyncOptions options_;
  std::unique_ptr<swarm::SwarmPeer> peer_;
  std::function<void(const std::string&)> writeState_;
  std::string runIdentity_;
  bool joinedByCommand_ = false;  // a refused join ends the training only when it was asked at start
  TrainedWeights weights_;
  std::vector<at::Tensor> outerStart_, outerVelocity_;  // DiLoCo: float32, on the CPU
  std::int64_t outerEpoch_ = 0;  // outer steps applied
  // DiLoCo: the round averaging in the background while the next window trains.
  struct PendingRound {
    std::int64_t epoch = 0;                  // the outer epoch it averages
    std::vector<float> values;               // this peer's pseudo-gradient; the average once it ends
    std::vector<std::size_t> sizes;
    double weight = 0;                       // this peer's samples in the window
    std::vector<at::Tensor> startWeights;    // the training weights when it began (overlap only)
    std::int64_t stepsSince = 0;             // optimizer steps taken since
    double blockedSeconds = 0;               // the training's time spent on it so far
    std::future<swarm::RoundResult> result;
  };
  std::unique_ptr<PendingRound> pending_;
  std::mutex requestsMutex_;
  std::optional<swarm::SwarmPeerOptions> pendingJoin_;
  bool pendingLeave_ = false;
  bool newcomer_ = false;  // joined, not yet compared with the swarm
  bool adopting_ = false;  // the state being loaded is another peer's, not this peer's checkpoint
  // DiLoCo's window: local steps since the last outer round, and whether the swarm has done its
  // share of them (the round follows this optimizer step).
  std::int64_t windowSteps_ = 0;
  bool outerRoundDue_ = false;
  std::uint64_t seedSalt_ = 0;
  std::int64_t step_ = 0;
  std::int64_t samples_ = 0;   // accumulated since the last optimizer step
  double samplesPerSecond_ = 0;
  std::uint64_t answeredRequests_ = 0;
  std::int64_t sharedEpoch_ = -1;  // the swarm epoch of the state being shared; -1: none
  std::string sharedPath_;
  std::chrono::steady_clock::time_point lastStatus_{};
};

}  // namespace sds::train
