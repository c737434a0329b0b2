#include "swarm/swarm_peer.h"

#include <algorithm>
#include <asio.hpp>
#include <stdexcept>

#include "swarm/crypto.h"
#include "swarm/discovery.h"
#include "swarm/host_port.h"
#include "swarm/identity.h"
#include "swarm/peer_server.h"
#include "swarm/port_mapping.h"
#include "swarm/relay_client.h"
#include "swarm/state_transfer.h"
#include "util/log.h"

namespace sds::swarm {

namespace {

// BLAKE2b of at most 65536 evenly spaced values (a few milliseconds even for SDXL), 8 bytes in hex.
std::string valuesDigest(const std::vector<float>& values) {
  constexpr std::size_t kSampled = 65536;
  const std::size_t stride = std::max<std::size_t>(1, values.size() / kSampled);
  std::vector<float> sample;
  for (std::size_t i = 0; i < values.size(); i += stride) sample.push_back(values[i]);
  const Key32 hash = hash32({std::string_view(reinterpret_cast<const char*>(sample.data()), sample.size() * sizeof(float))});
  return toHex(hash.data(), 8);
}

}  // namespace
namespace {

// The local address the system would use to reach `hostPort` (no packet is sent: connecting a UDP
// socket only picks the route). Loopback when there is no route.
std::string localAddressToward(const std::string& hostPort) {
  const std::size_t colon = hostPort.rfind(':');
  const std::string host = colon == std::string::npos ? hostPort : hostPort.substr(0, colon);
  try {
    asio::io_context io;
    asio::ip::udp::resolver resolver(io);
    const auto endpoints = resolver.resolve(asio::ip::udp::v4(), host, "9");
    asio::ip::udp::socket socket(io);
    socket.connect(*endpoints.begin());
    return socket.local_endpoint().address().to_string();
  } catch (const std::exception&) {
    return "127.0.0.1";
  }
}

GroupMember memberOf(const PeerRecord& r) {
  GroupMember m;
  m.id = r.peer;
  m.host = r.host;
  m.port = r.port;
  m.clientMode = r.clientMode;
  m.auxiliary = r.auxiliary;
  return m;
}

}  // namespace

SwarmPeer::SwarmPeer(SwarmPeerOptions options, std::uint64_t epoch)
    : options_(std::move(options)), run_(RunKey::fromSecret(options_.runKey)), epoch_(epoch) {
  identity_ = std::make_unique<Identity>(options_.identityFile.empty() ? Identity::generate()
                                                                       : Identity::loadOrCreate(options_.identityFile));
  if (!options_.clientMode) {
    publicHost_ = options_.publicHost;
    if (publicHost_.empty())
      publicHost_ = options_.listenHost != "0.0.0.0" ? options_.listenHost
                                                     : localAddressToward(options_.bootstrap.empty()
                                                                              ? std::string("192.0.2.1")
                                                                              : options_.bootstrap.front());
    PeerServerOptions serverOptions;
    serverOptions.listenHost = options_.listenHost;
    // Groups name members by the server's host: the published one, as records do.
    serverOptions.publicHost = publicHost_;
    serverOptions.listenPort = options_.port;
    serverOptions.maxConnections = options_.maxConnections;
    server_ = std::make_unique<PeerServer>(*identity_, run_, serverOptions);
    reachability_ = options_.publicHost.empty() ? "reachable at " + publicHost_ + ", the address toward the first peer"
                                                : "reachable at " + publicHost_ + ", as given";
    if (options_.upnp && options_.publicHost.empty()) mapPortOrBecomeClient();
    if (server_) stateServer_ = std::make_unique<StateServer>(*server_);
  } else {
    reachability_ = "client mode, as set: this peer connects to the others and reduces no part for them";
  }
  averager_ = std::make_unique<Averager>(*identity_, run_, server_.get());
  matchmaker_ = std::make_unique<Matchmaker>(*identity_, run_, server_.get());

  DiscoveryOptions discoveryOptions;
  discoveryOptions.bootstrap = options_.bootstrap;
  // One port number for both: the one a user forwards. Peers of one machine share an address.
  discoveryOptions.port = server_ ? server_->port() : options_.port;
  discoveryOptions.perAddressRequestLimit = -1;
  try {
    discovery_ = std::make_unique<Discovery>(*identity_, run_, discoveryOptions);
  } catch (const std::exception&) {
    if (discoveryOptions.port == 0) throw;
    discoveryOptions.port = 0;  // the UDP port is taken: any other will do, peers learn it from the DHT
    discovery_ = std::make_unique<Discovery>(*identity_, run_, discoveryOptions);
  }
  discovery_->publish(ownRecord());
  dirty_ = false;
  // Know the others before the first local step: a newcomer must see that the swarm is ahead, and
  // one that saw nobody yet would train alone. Records take a few seconds to spread through a fresh
  // DHT; with no peer given, this is the first peer.
  const auto until = std::chrono::steady_clock::now() + options_.initialDiscovery;
  do {
    refreshNow(std::chrono::milliseconds(1'000));
    std::lock_guard<std::mutex> lock(mutex_);
    if (allRecords_.size() > 1 || options_.bootstrap.empty()) break;
  } while (std::chrono::steady_clock::now() < until);
  refresher_ = std::thread([this] { refreshLoop(); });
}

void SwarmPeer::mapPortOrBecomeClient() {
  PortMappingOptions mapping;
  mapping.discoveryTimeout = options_.upnpDiscovery;
  try {
    portMapping_ = std::make_unique<PortMapping>(server_->port(), mapping);
    publicHost_ = portMapping_->externalAddress();
    server_->setPublicHost(publicHost_);
    reachability_ = "reachable at " + publicHost_ + ":" + std::to_string(server_->port()) + ": " + portMapping_->describe();
    log::info("swarm: " + portMapping_->describe());
  } catch (const std::exception& e) {
    if (options_.relay && registerAtRelay(e.what())) return;
    // Others could not connect to this peer: it connects to them instead.
    server_.reset();
    options_.clientMode = true;
    reachability_ = std::string("client mode: ") + e.what() +
                    "; this peer connects to the others and reduces no part for them (forward the port at the "
                    "router, or set swarm.public_address, to serve them too)";
    log::warn("swarm: " + reachability_);
  }
}

bool SwarmPeer::registerAtRelay(const std::string& whyNotMapped) {
  for (const std::string& address : options_.bootstrap) {
    try {
      const auto [host, port] = splitHostPort(address);
      PeerServer* server = server_.get();
      relay_ = std::make_unique<RelayClient>(host, static_cast<std::uint16_t>(std::stoi(port)),
                                             [server](TcpStream stream) { server->adopt(std::move(stream)); });
    } catch (const std::exception& e) {
      log::info("swarm: no relay at " + address + ": " + e.what());
      continue;
    }
    publicHost_ = relay_->host();
    server_->setPublicHost(publicHost_);
    server_->setPublicPort(relay_->relayedPort());
    reachability_ = "relayed at " + publicHost_ + ":" + std::to_string(relay_->relayedPort()) + " (" + whyNotMapped +
                    "): the others reach this peer through the relay at " + address +
                    ", which forwards the encrypted channels it cannot read, at a bounded rate";
    log::info("swarm: " + reachability_);
    return true;
  }
  return false;
}

SwarmPeer::~SwarmPeer() {
  leave();
  if (refresher_.joinable()) refresher_.join();
  relay_.reset();  // no more connections handed to the server
  // Services go before the server that calls them.
  discovery_.reset();
  stateServer_.reset();
  matchmaker_.reset();
  averager_.reset();
  server_.reset();
  portMapping_.reset();
}

const PeerId& SwarmPeer::id() const { return identity_->id(); }

std::string SwarmPeer::address() const {
  return server_ ? publicHost_ + ":" + std::to_string(server_->publicPort()) : std::string();
}

std::uint16_t SwarmPeer::dhtPort() const { return discovery_->port(); }

PeerRecord SwarmPeer::ownRecord() const {
  PeerRecord r;
  r.host = server_ ? publicHost_ : std::string();
  r.port = server_ ? server_->publicPort() : 0;
  r.clientMode = options_.clientMode;
  r.epoch = heldForRound_ ? heldForRound_->first : epoch_;
  r.samples = heldForRound_ ? heldForRound_->second : samples_;
  r.samplesPerSecond = static_cast<float>(samplesPerSecond_);
  r.settings = settings_;
  return r;
}

void SwarmPeer::report(std::uint64_t epoch, std::uint64_t samples, double samplesPerSecond) {
  std::lock_guard<std::mutex> lock(mutex_);
  const bool newEpoch = epoch != epoch_;
  epoch_ = epoch;
  samples_ = samples;
  samplesPerSecond_ = samplesPerSecond;
  dirty_ = true;
  if (newEpoch) wake_.notify_all();  // others should see a new epoch at once
}

void SwarmPeer::refreshLoop() {
  std::uint64_t publishedEpoch = epoch_;
  auto lastPublish = std::chrono::steady_clock::now();
  while (true) {
    std::optional<PeerRecord> publish;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, options_.refreshInterval, [&] { return stopping_ || epoch_ != publishedEpoch; });
      if (stopping_) return;
      // Progress within an epoch is extrapolated by the others from the rate: publishing it once
      // per interval is enough; a new epoch goes out at once.
      if (dirty_ && (epoch_ != publishedEpoch || std::chrono::steady_clock::now() - lastPublish >= options_.refreshInterval)) {
        publish = ownRecord();
        publishedEpoch = epoch_;
        dirty_ = false;
      }
    }
    if (publish) {
      discovery_->publish(*publish);
      lastPublish = std::chrono::steady_clock::now();
    }
    refreshNow(std::chrono::milliseconds(2'000));
  }
}

void SwarmPeer::refreshNow(std::chrono::milliseconds wait) {
  std::vector<PeerRecord> records = discovery_->peers(wait);
  std::lock_guard<std::mutex> lock(mutex_);
  // This peer as it is now, not as the DHT last stored it.
  records.erase(std::remove_if(records.begin(), records.end(), [&](const PeerRecord& r) { return r.peer == id(); }),
                records.end());
  PeerRecord self = ownRecord();
  self.peer = id();
  self.issuedAtMs = unixTimeMs();
  records.push_back(self);
  const std::size_t before = records_.size(), allBefore = allRecords_.size();
  allRecords_ = std::move(records);
  filterRecords();
  if (records_.size() != before || allRecords_.size() != allBefore)
    log::debug("swarm: " + std::to_string(records_.size() - 1) + " other peers of this run in view (" +
               std::to_string(allRecords_.size() - records_.size()) + " of other settings)");
}

void SwarmPeer::filterRecords() {
  records_.clear();
  for (const PeerRecord& r : allRecords_)
    if (r.peer == id() || r.auxiliary || r.settings == settings_) records_.push_back(r);
}

void SwarmPeer::setSettings(std::string settings) {
  if (settings.size() > kMaxSettingsBytes) throw std::invalid_argument("the run's settings are longer than 480 bytes");
  std::lock_guard<std::mutex> lock(mutex_);
  settings_ = std::move(settings);
  filterRecords();
  dirty_ = true;
  wake_.notify_all();
}

std::optional<std::string> SwarmPeer::foreignSettings() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (settings_.empty()) return std::nullopt;
  for (const PeerRecord& r : allRecords_)
    if (r.peer != id() && !r.auxiliary && !r.settings.empty() && r.settings != settings_) return r.settings;
  return std::nullopt;
}

SwarmProgress SwarmPeer::progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<PeerRecord> records = records_;
  for (PeerRecord& r : records)
    if (r.peer == id()) {
      r.epoch = epoch_;
      r.samples = samples_;
      r.samplesPerSecond = static_cast<float>(samplesPerSecond_);
      r.issuedAtMs = unixTimeMs();
    }
  return computeProgress(records, options_.targetBatchSize, unixTimeMs(), lastRound_, epoch_);
}

std::optional<std::uint64_t> SwarmPeer::othersEpoch() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return othersEpochLocked();
}

std::optional<std::uint64_t> SwarmPeer::othersEpochLocked() const {
  std::vector<PeerRecord> others;
  for (const PeerRecord& r : records_)
    if (r.peer != id()) others.push_back(r);
  return swarmEpochOf(others);
}

std::vector<PeerView> SwarmPeer::peers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<PeerView> views;
  for (const PeerRecord& r : records_) {
    PeerView v;
    v.id = r.peer;
    v.host = r.host;
    v.port = r.port;
    v.clientMode = r.clientMode;
    v.epoch = r.epoch;
    v.samples = r.samples;
    v.samplesPerSecond = r.samplesPerSecond;
    v.lastSeenMs = r.issuedAtMs;
    v.self = r.peer == id();
    views.push_back(v);
  }
  return views;
}

RoundResult SwarmPeer::average(std::uint64_t epoch, std::vector<float>& values, double weight,
                               const std::vector<std::size_t>& tensorSizes) {
  PeerRecord own;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    heldForRound_ = std::make_pair(epoch, static_cast<std::uint64_t>(weight));
    own = ownRecord();
  }
  discovery_->publish(own);
  RoundResult result;
  try {
    result = averageExtra(epoch, epochRoundKey(epoch), values, weight, tensorSizes);
  } catch (...) {
    releaseHeldRecord();
    throw;
  }
  if (result.averaged) {
    std::lock_guard<std::mutex> lock(mutex_);
    lastRound_.members = result.members;
    lastRound_.epoch = epoch + 1;
    lastRound_.endedAtMs = unixTimeMs();
  }
  return result;
}

RoundResult SwarmPeer::averageExtra(std::uint64_t epoch, std::uint64_t roundKey, std::vector<float>& values,
                                    double weight, const std::vector<std::size_t>& tensorSizes) {
  // The freshest view: a peer that reached this epoch a moment ago is a candidate too.
  refreshNow(std::chrono::milliseconds(1'000));
  std::vector<GroupMember> candidates;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // An extra round comes right after a step: a peer one epoch behind in this view has most likely
    // taken the step too, its record not yet here.
    const bool extra = roundKey != epochRoundKey(epoch);
    for (const PeerRecord& r : records_)
      if ((r.epoch == epoch || (extra && r.epoch + 1 == epoch)) && !r.auxiliary) candidates.push_back(memberOf(r));
  }
  RoundResult result;
  const auto started = std::chrono::steady_clock::now();
  const std::optional<Group> group = matchmaker_->formGroup(roundKey, candidates, options_.matchmaking);
  result.matchmakingSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  releaseHeldRecord();
  if (!group) {
    result.outcome = "alone";
    return result;
  }
  RoundOptions round = options_.round;
  round.tensorSizes = tensorSizes;
  result.groupSize = group->members.size();
  for (const GroupMember& m : group->members) result.members.push_back(m.id);
  result.report = averager_->average(*group, values, weight, round);
  result.averaged = true;
  result.outcome = result.report.allAveraged() ? "averaged" : "partial";
  result.digest = valuesDigest(values);
  return result;
}

void SwarmPeer::releaseHeldRecord() {
  PeerRecord own;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!heldForRound_) return;
    // A peer that waited for its round reported nothing new meanwhile: its record stands.
    const bool changed = *heldForRound_ != std::make_pair(epoch_, samples_);
    heldForRound_.reset();
    if (!changed) return;
    own = ownRecord();
    dirty_ = false;
  }
  discovery_->publish(own);
}

void SwarmPeer::shareState(std::uint64_t epoch, const std::string& path) {
  if (stateServer_) stateServer_->share(describeState(epoch, path));
}

void SwarmPeer::stopSharingState() {
  if (stateServer_) stateServer_->stopSharing();
}

std::uint64_t SwarmPeer::unservedStateRequests() const {
  return stateServer_ ? stateServer_->unservedRequests() : 0;
}

std::uint64_t SwarmPeer::downloadSwarmState(const std::string& path,
                                            const std::function<void(std::uint64_t, std::uint64_t)>& onProgress) {
  refreshNow(std::chrono::milliseconds(2'000));
  std::vector<PeerRecord> sources;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::optional<std::uint64_t> epoch = othersEpochLocked();
    for (const PeerRecord& r : records_)
      if (r.peer != id() && !r.clientMode && !r.auxiliary && r.epoch == epoch) sources.push_back(r);
  }
  if (sources.empty()) throw std::runtime_error("no peer of the swarm serves its state (none accepts connections)");
  std::string failures;
  StateDownloadOptions download;
  download.onProgress = onProgress;
  for (const PeerRecord& source : sources) {
    try {
      return downloadState(memberOf(source), *identity_, run_, path, download).epoch;
    } catch (const std::exception& e) {
      failures += (failures.empty() ? "" : "; ") + shortName(source.peer) + " at " + source.host + ":" +
                  std::to_string(source.port) + ": " + e.what();
    }
  }
  throw std::runtime_error("could not download the swarm's state: " + failures);
}

void SwarmPeer::leave() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (refresher_.joinable()) refresher_.join();
  if (discovery_) discovery_->withdraw();
}

}  // namespace sds::swarm
