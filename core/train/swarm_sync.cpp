#include "train/swarm_sync.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "swarm/compression.h"
#include "swarm/identity.h"
#include "train/train_settings.h"
#include "util/log.h"

namespace sds::train {
namespace fs = std::filesystem;
namespace {

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

std::string readKey(const std::string& keyOrFile) {
  if (keyOrFile.rfind("sdsrun-", 0) == 0) return keyOrFile;
  try {
    return swarm::RunKey::readSecretFile(keyOrFile);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("swarm.run_key: ") + e.what());
  }
}

}  // namespace

SwarmSyncOptions swarmSyncOptions(const SwarmSettings& s, const std::string& runFolder) {
  SwarmSyncOptions o;
  o.joinAtStart = s.enabled;
  if (!s.runKey.empty()) o.peer.runKey = readKey(s.runKey);
  o.peer.identityFile = (fs::path(runFolder) / "swarm" / "identity.key").string();
  o.peer.bootstrap = s.peers;
  o.peer.port = static_cast<std::uint16_t>(s.port);
  o.peer.publicHost = s.publicAddress;
  o.peer.clientMode = s.clientMode;
  o.peer.targetBatchSize = static_cast<std::uint64_t>(s.targetBatchSize);
  o.peer.matchmaking.matchmakingTime = millis(s.matchmakingSeconds);
  o.peer.matchmaking.maxGroupSize = static_cast<std::size_t>(s.maxGroupSize);
  o.peer.round.timeout = millis(s.averagingTimeoutSeconds);
  o.peer.round.compression = swarm::parseCompression(s.compression).value_or(swarm::Compression::None);
  o.peer.round.aggregation = s.aggregation == "centered_clip" ? swarm::Aggregation::CenteredClip : swarm::Aggregation::Mean;
  o.stateFolder = (fs::path(runFolder) / "swarm").string();
  return o;
}

SwarmGradientSync::SwarmGradientSync(SwarmSyncOptions options) : options_(std::move(options)) {
  if (options_.joinAtStart) join(options_.peer);
}

SwarmGradientSync::~SwarmGradientSync() { leave(); }

std::uint64_t SwarmGradientSync::seedSalt() const { return seedSalt_; }

void SwarmGradientSync::join(const swarm::SwarmPeerOptions& peer) {
  if (peer.runKey.empty()) throw std::invalid_argument("swarm.run_key: a swarm needs the run's key");
  std::error_code ec;
  fs::create_directories(options_.stateFolder, ec);
  if (ec) throw std::runtime_error("cannot create the swarm folder " + options_.stateFolder + ": " + ec.message());
  swarmState("joining", peer.bootstrap.empty() ? "the first peer of the run" : "through " + peer.bootstrap.front());
  // Epoch 0 until it has compared itself with the swarm: nobody takes a newcomer's state.
  peer_ = std::make_unique<swarm::SwarmPeer>(peer, 0);
  newcomer_ = true;
  samples_ = 0;
  // From the peer's public key: stable across its sessions, different between peers.
  seedSalt_ = 0;
  for (std::size_t i = 0; i < 8; ++i) seedSalt_ = seedSalt_ << 8 | peer_->id()[i];
  swarmState("accumulating");
  log::info("swarm peer " + swarm::shortName(peer_->id()) +
            (peer_->clientMode() ? " in client mode" : " at " + peer_->address()) + ", DHT port " +
            std::to_string(peer_->dhtPort()));
}

void SwarmGradientSync::leave() {
  if (!peer_) return;
  peer_.reset();
  sharedStep_ = -1;
  answeredRequests_ = 0;
  swarmState("left");
}

void SwarmGradientSync::requestJoin(swarm::SwarmPeerOptions peer) {
  std::lock_guard<std::mutex> lock(requestsMutex_);
  pendingJoin_ = std::move(peer);
  pendingLeave_ = false;
}

void SwarmGradientSync::requestLeave() {
  std::lock_guard<std::mutex> lock(requestsMutex_);
  pendingLeave_ = true;
  pendingJoin_.reset();
}

void SwarmGradientSync::applyRequests() {
  std::optional<swarm::SwarmPeerOptions> join;
  bool leaving = false;
  {
    std::lock_guard<std::mutex> lock(requestsMutex_);
    join = std::move(pendingJoin_);
    pendingJoin_.reset();
    leaving = pendingLeave_;
    pendingLeave_ = false;
  }
  if (leaving || join) leave();
  if (!join) return;
  try {
    this->join(*join);
  } catch (const std::exception& e) {
    // Training goes on alone: a bad key or a port in use must not end the run.
    peer_.reset();
    swarmState("failed", e.what());
    log::error(std::string("could not join the swarm: ") + e.what());
  }
}

void SwarmGradientSync::emit(const protocol::Event& e) const {
  if (options_.event) options_.event(e);
}

void SwarmGradientSync::swarmState(const std::string& state, const std::string& detail) const {
  protocol::SwarmEvent e;
  e.state = state;
  e.detail = detail;
  if (peer_) {
    e.peer = swarm::shortName(peer_->id());
    e.address = peer_->address();
    e.dht_port = peer_->dhtPort();
    e.client_mode = peer_->clientMode();
  }
  emit(e);
}

void SwarmGradientSync::emitStatus(const swarm::SwarmProgress& progress, bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - lastStatus_ < std::chrono::seconds(1)) return;
  lastStatus_ = now;
  protocol::SwarmStatusEvent e;
  e.epoch = static_cast<std::int64_t>(progress.epoch);
  e.local_epoch = step_;
  e.samples = progress.samplesAccumulated;
  e.target_batch_size = static_cast<std::int64_t>(options_.peer.targetBatchSize);
  e.samples_per_s = progress.samplesPerSecond;
  e.local_samples = samples_;
  const std::uint64_t nowMs = swarm::unixTimeMs();
  for (const swarm::PeerView& p : peer_->peers()) {
    protocol::SwarmPeerInfo info;
    info.peer = swarm::shortName(p.id);
    info.address = p.clientMode ? std::string() : p.host + ":" + std::to_string(p.port);
    info.epoch = static_cast<std::int64_t>(p.epoch);
    info.samples_per_s = p.samplesPerSecond;
    info.client_mode = p.clientMode;
    info.last_seen_s = nowMs > p.lastSeenMs ? static_cast<double>(nowMs - p.lastSeenMs) / 1000.0 : 0.0;
    e.peers.push_back(info);
  }
  emit(e);
}

LocalStepVerdict SwarmGradientSync::afterLocalStep(std::int64_t step, std::int64_t samples, double seconds) {
  applyRequests();
  step_ = step;
  if (!peer_) return {};  // training alone
  LocalStepVerdict verdict;
  if (newcomer_) {
    // A newcomer takes the swarm's state whenever others train on another step than its own.
    newcomer_ = false;
    const std::optional<std::uint64_t> others = peer_->othersNewestEpoch();
    if (others && *others != static_cast<std::uint64_t>(step)) {
      if (std::optional<std::string> path = downloadState(step, true)) {
        verdict.kind = LocalStepVerdict::Kind::LoadState;
        verdict.statePath = *path;
        return verdict;
      }
    }
  }
  samples_ += samples;
  if (seconds > 0) {
    const double rate = static_cast<double>(samples) / seconds;
    samplesPerSecond_ = samplesPerSecond_ > 0 ? 0.8 * samplesPerSecond_ + 0.2 * rate : rate;
  }
  peer_->report(static_cast<std::uint64_t>(step), static_cast<std::uint64_t>(samples_), samplesPerSecond_);
  serveStateIfAsked(step);
  const swarm::SwarmProgress progress = peer_->progress();
  emitStatus(progress, false);

  if (progress.epoch > static_cast<std::uint64_t>(step)) {
    // Behind the swarm (a round missed): its weights are not the swarm's any more.
    if (std::optional<std::string> path = downloadState(step, false)) {
      verdict.kind = LocalStepVerdict::Kind::LoadState;
      verdict.statePath = *path;
      samples_ = 0;
      return verdict;
    }
    swarmState("accumulating", "epoch " + std::to_string(step));
  }
  verdict.kind = progress.targetReached ? LocalStepVerdict::Kind::Step : LocalStepVerdict::Kind::Accumulate;
  return verdict;
}

bool SwarmGradientSync::average(std::vector<at::Tensor>& gradients) {
  if (!peer_) return true;
  std::vector<std::size_t> sizes;
  std::size_t total = 0;
  for (const at::Tensor& g : gradients) {
    sizes.push_back(static_cast<std::size_t>(g.numel()));
    total += sizes.back();
  }
  std::vector<float> values(total);
  std::size_t at = 0;
  for (const at::Tensor& g : gradients) {
    const at::Tensor flat = g.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    std::memcpy(values.data() + at, flat.data_ptr<float>(), static_cast<std::size_t>(flat.numel()) * sizeof(float));
    at += static_cast<std::size_t>(flat.numel());
  }
  swarmState("matchmaking", "epoch " + std::to_string(step_));
  const swarm::RoundResult round =
      peer_->average(static_cast<std::uint64_t>(step_), values, static_cast<double>(samples_), sizes);
  if (round.averaged) {
    at = 0;
    for (at::Tensor& g : gradients) {
      const at::Tensor averaged =
          torch::from_blob(values.data() + at, g.sizes(), torch::TensorOptions().dtype(torch::kFloat32));
      g.copy_(averaged);
      at += static_cast<std::size_t>(g.numel());
    }
  }
  protocol::SwarmRoundEvent e;
  e.epoch = step_;
  e.group_size = static_cast<std::int64_t>(round.groupSize);
  e.outcome = round.outcome;
  e.bytes_sent = static_cast<std::int64_t>(round.report.bytesSent);
  e.bytes_received = static_cast<std::int64_t>(round.report.bytesReceived);
  e.matchmaking_s = round.matchmakingSeconds;
  e.averaging_s = round.report.seconds;
  e.excluded = round.report.excluded;
  for (const swarm::PartOutcome& part : round.report.parts)
    if (!part.averaged) e.excluded.push_back("part of " + swarm::shortName(part.reducer) + ": " + part.error);
  emit(e);
  if (round.outcome != "alone") return true;
  // Without a group: alone in the swarm, the peer steps on its own samples; with others about, it
  // missed their round and takes their state instead of drifting away from it.
  const std::vector<swarm::PeerView> peers = peer_->peers();
  const bool others = std::any_of(peers.begin(), peers.end(), [](const swarm::PeerView& p) { return !p.self; });
  log::info("epoch " + std::to_string(step_) + ": no other peer averaged with this one; " +
            (others ? "it takes the swarm's state instead of stepping" : "stepping on its own samples"));
  if (others) samples_ = 0;  // its gradients are dropped
  return !others;
}

void SwarmGradientSync::afterOptimizerStep(std::int64_t step) {
  step_ = step;
  if (!peer_) return;
  samples_ = 0;
  // The state shared so far is of an older step now: newcomers must not start from it.
  peer_->stopSharingState();
  peer_->report(static_cast<std::uint64_t>(step), 0, samplesPerSecond_);
  swarmState("accumulating", "epoch " + std::to_string(step));
}

// Writes the state when peers have asked for one since the last (between local steps the weights
// are those of `step`); it is served until the next optimizer step.
void SwarmGradientSync::serveStateIfAsked(std::int64_t step) {
  const std::uint64_t requests = peer_->unservedStateRequests();
  if (requests == answeredRequests_ || !writeState_ || peer_->clientMode()) return;
  answeredRequests_ = requests;
  if (sharedStep_ == step) return;
  const std::string path = (fs::path(options_.stateFolder) / ("state-" + std::to_string(step) + ".safetensors")).string();
  writeState_(path);
  peer_->shareState(static_cast<std::uint64_t>(step), path);
  std::error_code ec;
  if (!sharedPath_.empty() && sharedPath_ != path) fs::remove(sharedPath_, ec);  // an open transfer keeps reading it
  sharedPath_ = path;
  sharedStep_ = step;
  log::info("serving the training state of epoch " + std::to_string(step) + " to peers that asked");
}

std::optional<std::string> SwarmGradientSync::downloadState(std::int64_t step, bool newcomer) {
  swarmState("downloading_state");
  const std::string path = (fs::path(options_.stateFolder) / "downloaded-state.safetensors").string();
  const auto deadline = std::chrono::steady_clock::now() + options_.stateWait;
  std::string lastError;
  while (std::chrono::steady_clock::now() < deadline) {
    // The peers it would take the state from may have left meanwhile.
    const std::optional<std::uint64_t> others = peer_->othersNewestEpoch();
    if (!others || (newcomer ? *others == static_cast<std::uint64_t>(step) : *others <= static_cast<std::uint64_t>(step)))
      return std::nullopt;
    try {
      const std::uint64_t epoch = peer_->downloadNewestState(path);
      log::info("downloaded the swarm's state of epoch " + std::to_string(epoch));
      return path;
    } catch (const std::exception& e) {
      lastError = e.what();  // often: no peer has written its state yet; it does at its next local step
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  throw std::runtime_error("this peer is behind the swarm and no peer served its state within " +
                           std::to_string(options_.stateWait.count() / 1000) + " s: " + lastError);
}

}  // namespace sds::train
