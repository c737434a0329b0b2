#include "train/swarm_sync.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <thread>

#include "swarm/compression.h"
#include "swarm/crypto.h"
#include "swarm/identity.h"
#include "train/run_identity.h"
#include "train/train_settings.h"
#include "util/log.h"

namespace sds::train {
namespace fs = std::filesystem;
namespace {

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string readKey(const std::string& keyOrFile) {
  try {
    return swarm::RunKey::secretOfSetting(keyOrFile);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("swarm.run_key: ") + e.what());
  }
}

// 64 bits of BLAKE2b in hex: enough to tell settings apart, short enough for a record.
std::string shortHash(const std::string& text) { return swarm::toHex(swarm::hash32({text}).data(), 8); }

// Tensors laid end to end as the swarm averages them (float32, on the CPU), with each one's size.
struct FlatValues {
  std::vector<float> values;
  std::vector<std::size_t> sizes;
};

// The flat values as tensors of the shapes of `like`, viewing `flat` (which must outlive them).
std::vector<at::Tensor> views(FlatValues& flat, const std::vector<at::Tensor>& like) {
  std::vector<at::Tensor> out;
  std::size_t at = 0;
  for (std::size_t i = 0; i < like.size(); ++i) {
    out.push_back(torch::from_blob(flat.values.data() + at, like[i].sizes(), torch::kFloat32));
    at += flat.sizes[i];
  }
  return out;
}

// Room for tensors of the shapes of `like`, each written by `fill(i, view)` straight into its place,
// so that a computed tensor (DiLoCo's pseudo-gradient) is never held beside the flat copy.
FlatValues flatten(const std::vector<at::Tensor>& like, const std::function<void(std::size_t, at::Tensor&)>& fill) {
  FlatValues flat;
  std::size_t total = 0;
  for (const at::Tensor& t : like) {
    flat.sizes.push_back(static_cast<std::size_t>(t.numel()));
    total += flat.sizes.back();
  }
  flat.values.resize(total);
  std::vector<at::Tensor> places = views(flat, like);
  for (std::size_t i = 0; i < like.size(); ++i) fill(i, places[i]);
  return flat;
}

// The tensors as they are (any device and floating type).
FlatValues flatten(const std::vector<at::Tensor>& tensors) {
  return flatten(tensors, [&](std::size_t i, at::Tensor& place) { place.copy_(tensors[i].detach()); });
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
  o.peer.upnp = s.upnp;
  o.peer.targetBatchSize = static_cast<std::uint64_t>(s.targetBatchSize);
  o.peer.matchmaking.matchmakingTime = millis(s.matchmakingSeconds);
  o.peer.matchmaking.maxGroupSize = static_cast<std::size_t>(s.maxGroupSize);
  o.peer.maxConnections = static_cast<std::size_t>(s.maxConnections);
  o.peer.round.timeout = millis(s.averagingTimeoutSeconds);
  o.mode = s.mode == "diloco" ? SwarmMode::DiLoCo : SwarmMode::Sync;
  o.localSteps = s.localSteps;
  o.overlapRounds = s.overlapRounds;
  o.outerLearningRate = s.outerLearningRate;
  o.outerMomentum = s.outerMomentum;
  o.averageStateEvery = s.averageStateEvery;
  // Pseudo-gradients of DiLoCo travel in 8 bits unless told otherwise; sync gradients exactly.
  const std::string compression =
      s.compression != "auto" ? s.compression : o.mode == SwarmMode::DiLoCo ? "uniform8" : "none";
  o.peer.round.compression = swarm::parseCompression(compression).value_or(swarm::Compression::None);
  o.peer.round.aggregation = s.aggregation == "centered_clip" ? swarm::Aggregation::CenteredClip : swarm::Aggregation::Mean;
  o.stateFolder = (fs::path(runFolder) / "swarm").string();
  return o;
}

SwarmGradientSync::SwarmGradientSync(SwarmSyncOptions options) : options_(std::move(options)) {
  if (options_.joinAtStart) join(options_.peer);
}

SwarmGradientSync::~SwarmGradientSync() { leave(); }

std::uint64_t SwarmGradientSync::seedSalt() const { return seedSalt_; }

// The run's identity and the swarm settings every peer must share, short enough for a record: a
// long value (a list of LoRA targets) is replaced by its hash, so it is still compared.
std::string SwarmGradientSync::publishedSettings(const std::string& identity) const {
  std::string full = identity + ";swarm_mode=" + (diloco() ? "diloco" : "sync");
  full += diloco() ? ";local_steps=" + std::to_string(options_.localSteps)
                   : ";target_batch_size=" + std::to_string(options_.peer.targetBatchSize) +
                         ";average_state_every=" + std::to_string(options_.averageStateEvery);
  std::string out;
  std::size_t at = 0;
  while (at < full.size()) {
    std::size_t end = full.find(';', at);
    if (end == std::string::npos) end = full.size();
    std::string item = full.substr(at, end - at);
    const std::size_t eq = item.find('=');
    if (item.size() > 120 && eq != std::string::npos) item = item.substr(0, eq) + "=#" + shortHash(item.substr(eq + 1));
    out += (out.empty() ? "" : ";") + item;
    at = end + 1;
  }
  if (out.size() > swarm::kMaxSettingsBytes) out = "settings=#" + shortHash(full);
  return out;
}

void SwarmGradientSync::setRunIdentity(const std::string& identity) {
  runIdentity_ = identity;
  if (peer_) peer_->setSettings(publishedSettings(identity));
}

void SwarmGradientSync::refuseIfForeign() {
  const std::optional<std::string> theirs = peer_->foreignSettings();
  if (!theirs || peer_->othersEpoch()) return;  // peers of its own settings are about: it trains with them
  const std::string why = "the swarm trains another configuration than this project: " +
                          identityDifference(*theirs, publishedSettings(runIdentity_));
  leave();
  swarmState("failed", why);
  if (!joinedByCommand_)
    throw std::runtime_error(why + " (join with the run's base model and settings, or use another run key)");
  log::error("left the swarm: " + why);
}

void SwarmGradientSync::join(const swarm::SwarmPeerOptions& peer) {
  if (peer.runKey.empty()) throw std::invalid_argument("swarm.run_key: a swarm needs the run's key");
  std::error_code ec;
  fs::create_directories(options_.stateFolder, ec);
  if (ec) throw std::runtime_error("cannot create the swarm folder " + options_.stateFolder + ": " + ec.message());
  swarmState("joining", peer.bootstrap.empty() ? "the first peer of the run" : "through " + peer.bootstrap.front());
  // Epoch 0 until it has compared itself with the swarm: nobody takes a newcomer's state.
  peer_ = std::make_unique<swarm::SwarmPeer>(peer, 0);
  if (!runIdentity_.empty()) peer_->setSettings(publishedSettings(runIdentity_));
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
  abandonOuterRound();  // after the training (whose weights are gone) or with no time to apply it
  peer_.reset();
  sharedEpoch_ = -1;
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
  if (leaving || join) {
    // A round averaging in the background ends first, and this peer keeps its outer step.
    if (pending_) settleOuterRound();
    leave();
  }
  if (!join) return;
  try {
    joinedByCommand_ = true;
    this->join(*join);
  } catch (const std::exception& e) {
    // Training goes on alone: a bad key or a port in use must not end the run.
    peer_.reset();
    swarmState("failed", e.what());
    log::error(std::string("could not join the swarm: ") + e.what());
  }
}

void SwarmGradientSync::emitEvent(const protocol::Event& e) const {
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
    e.reachability = peer_->reachability();
  }
  emitEvent(e);
}

void SwarmGradientSync::emitStatus(const swarm::SwarmProgress& progress, bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - lastStatus_ < std::chrono::seconds(1)) return;
  lastStatus_ = now;
  protocol::SwarmStatusEvent e;
  e.epoch = static_cast<std::int64_t>(progress.epoch);
  e.local_epoch = swarmEpoch(step_);
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
  emitEvent(e);
}

LocalStepVerdict SwarmGradientSync::afterLocalStep(std::int64_t step, std::int64_t samples, double seconds) {
  applyRequests();
  step_ = step;
  adopting_ = false;
  if (!peer_) return {};  // training alone
  LocalStepVerdict verdict;
  const std::int64_t epoch = swarmEpoch(step);
  if (newcomer_) {
    refuseIfForeign();
    if (!peer_) return {};
    // A newcomer takes the swarm's state whenever others are on another epoch than its own.
    newcomer_ = false;
    // (In DiLoCo every peer is on epoch 0 through the first window: one that trained before joining
    // has other weights all the same.)
    const std::optional<std::uint64_t> others = peer_->othersEpoch();
    if (others && (*others != static_cast<std::uint64_t>(epoch) || (diloco() && step > 0))) {
      if (std::optional<std::string> path = downloadState(epoch, true)) return adopt(*path);
    }
  }
  // DiLoCo's outer weights: where this peer's window of local steps began.
  if (diloco() && outerStart_.empty() && weights_.read) {
    outerStart_ = weights_.read();
    for (const at::Tensor& w : outerStart_) outerVelocity_.push_back(torch::zeros_like(w));
  }
  samples_ += samples;
  if (diloco()) ++windowSteps_;
  if (seconds > 0) {
    const double rate = static_cast<double>(samples) / seconds;
    samplesPerSecond_ = samplesPerSecond_ > 0 ? 0.8 * samplesPerSecond_ + 0.2 * rate : rate;
  }
  peer_->report(static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(samples_), samplesPerSecond_);
  serveStateIfAsked(step);
  const swarm::SwarmProgress progress = peer_->progress();
  emitStatus(progress, false);

  // (With a round averaging in the background the peer is on the epoch after it by construction,
  // while its record still shows the round's epoch until the group has formed.)
  if (!pending_ && progress.epoch != static_cast<std::uint64_t>(epoch)) {
    // Behind the swarm (a round missed), or far ahead of it (it trained alone, seeing no other
    // peer): its weights are not the swarm's.
    if (std::optional<std::string> path = downloadState(epoch, false)) return adopt(*path);
    swarmState("accumulating", "epoch " + std::to_string(epoch));
  }
  if (diloco()) {  // every local step is an optimizer step; the round may follow it
    outerRoundDue_ = windowDone(progress, epoch);
    return verdict;
  }
  // The swarm reaches the target before this peer's next local step would end: step now, rather than
  // overshoot the batch by a local step of every peer (the others' records are up to a second old).
  const bool due = progress.targetReached || progress.secondsToTarget <= 0.5 * seconds;
  verdict.kind = due ? LocalStepVerdict::Kind::Step : LocalStepVerdict::Kind::Accumulate;
  return verdict;
}

LocalStepVerdict SwarmGradientSync::adopt(const std::string& statePath) {
  // What this peer accumulated is of weights it now leaves behind.
  abandonOuterRound();
  samples_ = 0;
  windowSteps_ = 0;
  outerRoundDue_ = false;
  adopting_ = true;
  LocalStepVerdict verdict;
  verdict.kind = LocalStepVerdict::Kind::LoadState;
  verdict.statePath = statePath;
  return verdict;
}

bool SwarmGradientSync::windowDone(const swarm::SwarmProgress& progress, std::int64_t epoch) const {
  if (windowSteps_ <= 0) return false;
  // Alone, or the view not on this peer's epoch yet (its record is held on the last round's epoch
  // until that round's group has formed): its own steps count.
  if (progress.peersOnEpoch <= 1 || progress.epoch != static_cast<std::uint64_t>(epoch))
    return windowSteps_ >= options_.localSteps;
  const double samplesPerStep = static_cast<double>(samples_) / static_cast<double>(windowSteps_);
  return progress.samplesAccumulated >=
         static_cast<double>(options_.localSteps) * samplesPerStep * static_cast<double>(progress.peersOnEpoch);
}

bool SwarmGradientSync::average(std::vector<at::Tensor>& gradients) {
  if (!peer_) return true;
  FlatValues flat = flatten(gradients);
  swarmState("matchmaking", "epoch " + std::to_string(step_));
  const auto started = std::chrono::steady_clock::now();
  const swarm::RoundResult round =
      peer_->average(static_cast<std::uint64_t>(step_), flat.values, static_cast<double>(samples_), flat.sizes);
  if (round.averaged) {
    const std::vector<at::Tensor> averaged = views(flat, gradients);
    for (std::size_t i = 0; i < gradients.size(); ++i) gradients[i].copy_(averaged[i]);
  }
  emitRound(step_, round, "gradients", secondsSince(started));
  if (round.outcome != "alone") return true;
  // Without a group: alone in the swarm, the peer steps on its own samples; with others about, it
  // missed their round and takes their state instead of drifting away from it.
  const bool others = othersAbout();
  log::info("epoch " + std::to_string(step_) + ": no other peer averaged with this one; " +
            (others ? "it takes the swarm's state instead of stepping" : "stepping on its own samples"));
  if (others) samples_ = 0;  // its gradients are dropped
  return !others;
}

bool SwarmGradientSync::othersAbout() const {
  const std::vector<swarm::PeerView> peers = peer_->peers();
  return std::any_of(peers.begin(), peers.end(), [](const swarm::PeerView& p) { return !p.self; });
}

void SwarmGradientSync::emitRound(std::int64_t epoch, const swarm::RoundResult& round, const std::string& kind,
                                  double waited) const {
  protocol::SwarmRoundEvent e;
  e.epoch = epoch;
  e.kind = kind;
  e.group_size = static_cast<std::int64_t>(round.groupSize);
  e.outcome = round.outcome;
  e.bytes_sent = static_cast<std::int64_t>(round.report.bytesSent);
  e.bytes_received = static_cast<std::int64_t>(round.report.bytesReceived);
  e.matchmaking_s = round.matchmakingSeconds;
  e.averaging_s = round.report.seconds;
  e.waited_s = waited;
  e.excluded = round.report.excluded;
  e.digest = round.digest;
  for (const swarm::PartOutcome& part : round.report.parts)
    if (!part.averaged) e.excluded.push_back("part of " + swarm::shortName(part.reducer) + ": " + part.error);
  emitEvent(e);
}

void SwarmGradientSync::afterOptimizerStep(std::int64_t step) {
  step_ = step;
  if (!peer_) return;
  if (diloco()) {
    // The shared state stays good for newcomers through the window (they start from its outer
    // weights); after an outer step it is of the last epoch.
    if (pending_) {
      ++pending_->stepsSince;
      // The round's outer step is taken as soon as it has ended, at the window's end at the latest,
      // and at once when peers ask for the state (only a state without a round in flight can be
      // served: a newcomer could not take that round's step).
      const bool ended = pending_->result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
      const bool asked = peer_->unservedStateRequests() != answeredRequests_;
      if ((ended || asked || outerRoundDue_) && !settleOuterRound()) {
        outerRoundDue_ = false;  // behind the swarm now: its state comes at the next local step
        return;
      }
    }
    if (outerRoundDue_) startOuterRound();
    return;
  }
  samples_ = 0;
  // The state shared so far is of an older step now: newcomers must not start from it.
  peer_->stopSharingState();
  sharedEpoch_ = -1;
  peer_->report(static_cast<std::uint64_t>(step), 0, samplesPerSecond_);
  if (options_.averageStateEvery > 0 && step % options_.averageStateEvery == 0) stateRound(step);
  swarmState("accumulating", "epoch " + std::to_string(step));
}

// Peers that average every round stay equal; one that kept its own values for a part of a round
// (a member lost mid-round) or averaged in another group drifts. Every few epochs the peers that
// took the same step average their weights and optimizer moments (equal weights: they are states,
// not samples), as hivemind's state averaging does.
void SwarmGradientSync::stateRound(std::int64_t step) {
  if (!weights_.readState || !weights_.writeState) return;
  torch::NoGradGuard noGrad;
  const std::vector<at::Tensor> state = weights_.readState();
  FlatValues flat = flatten(state);
  swarmState("averaging_state", "epoch " + std::to_string(step));
  // Its own matchmaking key, between the last gradient round and the next.
  const std::uint64_t epoch = static_cast<std::uint64_t>(step);
  const auto started = std::chrono::steady_clock::now();
  const swarm::RoundResult round =
      peer_->averageExtra(epoch, swarm::stateRoundKey(epoch), flat.values, 1.0, flat.sizes);
  emitRound(step, round, "state", secondsSince(started));
  if (round.averaged) weights_.writeState(views(flat, state));
}

// DiLoCo's round: the peers average how far their weights moved since the outer weights (weighted by
// samples), and every peer takes the same Nesterov step (torch.optim.SGD's, nesterov=True) from the
// same outer weights. Without overlap the training waits, and the new outer weights are the weights
// it trains on. With overlap the round averages on a thread of its own while the next window trains;
// when it ends the peer moves its weights by as much as the outer weights moved past where the
// window began, keeping what it trained meanwhile (its next pseudo-gradient is that window's work).
void SwarmGradientSync::startOuterRound() {
  if (outerStart_.empty() || !weights_.read) return;
  const auto started = std::chrono::steady_clock::now();
  torch::NoGradGuard noGrad;
  auto round = std::make_unique<PendingRound>();
  std::vector<at::Tensor> current = weights_.read();
  FlatValues flat =
      flatten(current, [&](std::size_t i, at::Tensor& place) { torch::sub_out(place, outerStart_[i], current[i]); });
  round->values = std::move(flat.values);
  round->sizes = std::move(flat.sizes);
  round->epoch = outerEpoch_;
  round->weight = static_cast<double>(samples_);
  if (options_.overlapRounds) round->startWeights = std::move(current);
  swarmState("matchmaking", "outer epoch " + std::to_string(outerEpoch_) +
                                (options_.overlapRounds ? " (training goes on meanwhile)" : ""));
  PendingRound* r = round.get();
  swarm::SwarmPeer* peer = peer_.get();
  round->result = std::async(std::launch::async, [peer, r] {
    return peer->average(static_cast<std::uint64_t>(r->epoch), r->values, r->weight, r->sizes);
  });
  round->blockedSeconds = secondsSince(started);
  pending_ = std::move(round);
  windowSteps_ = 0;
  outerRoundDue_ = false;
  samples_ = 0;
  // A state with a round in flight is of no use to a newcomer.
  peer_->stopSharingState();
  sharedEpoch_ = -1;
  if (!options_.overlapRounds) {
    settleOuterRound();
    return;
  }
  peer_->report(static_cast<std::uint64_t>(swarmEpoch(step_)), 0, samplesPerSecond_);
}

bool SwarmGradientSync::settleOuterRound() {
  if (!pending_) return true;
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<PendingRound> r = std::move(pending_);
  const swarm::RoundResult round = r->result.get();  // a failure of the round's own ends the training, as before
  torch::NoGradGuard noGrad;
  const std::int64_t epoch = r->epoch;
  if (!round.averaged && othersAbout()) {
    // Others are about: they step together, and this peer takes their state once they have.
    emitRound(epoch, round, "pseudo_gradients", r->blockedSeconds + secondsSince(started));
    log::info("outer epoch " + std::to_string(epoch) + ": no other peer averaged with this one; it takes the swarm's state");
    peer_->report(static_cast<std::uint64_t>(outerEpoch_), static_cast<std::uint64_t>(samples_), samplesPerSecond_);
    return false;
  }
  const double lr = options_.outerLearningRate, mu = options_.outerMomentum;
  FlatValues averaged{std::move(r->values), std::move(r->sizes)};
  const std::vector<at::Tensor> deltas = views(averaged, outerStart_);
  // In place, without temporaries (SD 1.5's 860 M values make each pass count).
  for (std::size_t i = 0; i < outerStart_.size(); ++i) {
    outerVelocity_[i].mul_(mu).add_(deltas[i]);
    outerStart_[i].sub_(deltas[i], lr).sub_(outerVelocity_[i], lr * mu);
  }
  if (r->stepsSince == 0) {
    weights_.write(outerStart_);
  } else {
    std::vector<at::Tensor> current = weights_.read();
    for (std::size_t i = 0; i < current.size(); ++i) current[i].add_(outerStart_[i]).sub_(r->startWeights[i]);
    weights_.write(current);
  }
  ++outerEpoch_;
  emitRound(epoch, round, "pseudo_gradients", r->blockedSeconds + secondsSince(started));
  peer_->report(static_cast<std::uint64_t>(swarmEpoch(step_)), static_cast<std::uint64_t>(samples_), samplesPerSecond_);
  swarmState("accumulating", "outer epoch " + std::to_string(outerEpoch_));
  return true;
}

void SwarmGradientSync::abandonOuterRound() {
  if (!pending_) return;
  pending_->result.wait();  // it uses the peer: it must end before the peer does
  pending_.reset();
}

void SwarmGradientSync::finishRounds() {
  if (peer_ && pending_) settleOuterRound();
}

std::map<std::string, at::Tensor> SwarmGradientSync::exchangeState() const {
  std::map<std::string, at::Tensor> state;
  if (!diloco() || outerStart_.empty()) return state;
  state["outer_epoch"] = torch::tensor({outerEpoch_}, torch::kInt64);
  state["window"] = torch::tensor({windowSteps_, samples_}, torch::kInt64);
  for (std::size_t i = 0; i < outerStart_.size(); ++i) {
    state["outer_weights." + std::to_string(i)] = outerStart_[i];
    state["outer_velocity." + std::to_string(i)] = outerVelocity_[i];
  }
  return state;
}

void SwarmGradientSync::loadExchangeState(const std::map<std::string, at::Tensor>& state) {
  const auto epoch = state.find("outer_epoch");
  if (epoch == state.end() || epoch->second.numel() != 1) return;
  std::vector<at::Tensor> start, velocity;
  for (std::size_t i = 0;; ++i) {
    const auto w = state.find("outer_weights." + std::to_string(i));
    const auto v = state.find("outer_velocity." + std::to_string(i));
    if (w == state.end() || v == state.end()) break;
    start.push_back(w->second.to(torch::kCPU, torch::kFloat32).clone());
    velocity.push_back(v->second.to(torch::kCPU, torch::kFloat32).clone());
  }
  outerEpoch_ = epoch->second.to(torch::kCPU).item<std::int64_t>();
  outerStart_ = std::move(start);
  outerVelocity_ = std::move(velocity);
  if (adopting_) {
    // Another peer's state: this peer's window starts at the swarm's outer weights, so that its
    // pseudo-gradient is its own work only (the other's steps since the round are not its).
    if (weights_.write && !outerStart_.empty()) weights_.write(outerStart_);
    return;
  }
  // Its own checkpoint: the window goes on where it was, so a resumed run steps as it would have.
  const auto window = state.find("window");
  if (window != state.end() && window->second.numel() == 2) {
    const at::Tensor w = window->second.to(torch::kCPU, torch::kInt64);
    windowSteps_ = w[0].item<std::int64_t>();
    samples_ = w[1].item<std::int64_t>();
  }
}

// Writes the state when peers have asked for one since the last (between local steps the weights
// are those of `step`); it is served until the next optimizer step.
void SwarmGradientSync::serveStateIfAsked(std::int64_t step) {
  const std::uint64_t requests = peer_->unservedStateRequests();
  // With a round in flight the request waits: the round is settled after this optimizer step.
  if (requests == answeredRequests_ || !writeState_ || peer_->clientMode() || pending_) return;
  answeredRequests_ = requests;
  const std::int64_t epoch = swarmEpoch(step);
  if (sharedEpoch_ == epoch) return;  // what is shared is of this epoch still
  const std::string path = (fs::path(options_.stateFolder) / ("state-" + std::to_string(step) + ".safetensors")).string();
  writeState_(path);
  peer_->shareState(static_cast<std::uint64_t>(epoch), path);
  std::error_code ec;
  if (!sharedPath_.empty() && sharedPath_ != path) fs::remove(sharedPath_, ec);  // an open transfer keeps reading it
  sharedPath_ = path;
  sharedEpoch_ = epoch;
  log::info("serving the training state of step " + std::to_string(step) + " (the swarm's epoch " +
            std::to_string(epoch) + ") to peers that asked");
}

std::optional<std::string> SwarmGradientSync::downloadState(std::int64_t step, bool newcomer) {
  swarmState("downloading_state");
  const std::string path = (fs::path(options_.stateFolder) / "downloaded-state.safetensors").string();
  // A DiLoCo peer serves its state once its round in flight has ended.
  const std::chrono::milliseconds wait =
      options_.stateWait + (diloco() && options_.overlapRounds
                                ? options_.peer.matchmaking.matchmakingTime + options_.peer.round.timeout
                                : std::chrono::milliseconds(0));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::string lastError;
  while (std::chrono::steady_clock::now() < deadline) {
    // The peers it would take the state from may have left meanwhile.
    if (!peer_->othersEpoch()) return std::nullopt;
    if (!newcomer && peer_->progress().epoch == static_cast<std::uint64_t>(step)) return std::nullopt;
    try {
      const std::uint64_t epoch = peer_->downloadSwarmState(path);
      log::info("downloaded the swarm's state of epoch " + std::to_string(epoch));
      return path;
    } catch (const std::exception& e) {
      lastError = e.what();  // often: no peer has written its state yet; it does at its next local step
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  throw std::runtime_error("this peer is not on the swarm's epoch and no peer served the swarm's state within " +
                           std::to_string(wait.count() / 1000) + " s: " + lastError);
}

}  // namespace sds::train
