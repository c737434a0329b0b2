#pragma once
// One peer of a training swarm, as the trainer sees it: the run key, this machine's identity, the
// listening server, discovery, matchmaking, averaging and state sharing put together behind a few
// calls. The trainer reports how far it has accumulated; the peer publishes that, keeps a fresh view
// of the others in the background, and runs a round (matchmaking, then butterfly all-reduce) when
// asked. No torch: values are flat float vectors.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "swarm/averager.h"
#include "swarm/matchmaker.h"
#include "swarm/peer_record.h"
#include "swarm/progress.h"
#include "swarm/run_key.h"

namespace sds::swarm {

class RelayClient;

class Discovery;
class PeerServer;
class PortMapping;
class StateServer;

struct SwarmPeerOptions {
  std::string runKey;                  // the run's secret
  std::string identityFile;            // this machine's key pair; empty: a new one for this process
  std::vector<std::string> bootstrap;  // "host:port" of DHT nodes: a bootstrap node or any peer
  std::string listenHost = "0.0.0.0";
  std::uint16_t port = 0;              // TCP for peers and UDP for the DHT; 0: any free one
  std::string publicHost;              // published address; empty: the one that reaches the first bootstrap
  bool clientMode = false;             // accept no connections: send parts, reduce none
  // With no public address given: map the listen port at the home router (UPnP) and publish the
  // router's external address; where that fails, take part in client mode instead.
  bool upnp = false;
  // Where UPnP fails: register at a relay (a bootstrap node given in `bootstrap`) and publish the
  // relay's address, instead of taking part in client mode.
  bool relay = true;
  std::chrono::milliseconds upnpDiscovery{2'000};  // how long the router has to answer
  std::size_t maxConnections = 256;    // other peers' connections served at once
  std::uint64_t targetBatchSize = 256; // samples of all peers together per swarm epoch
  MatchmakingOptions matchmaking;
  RoundOptions round;
  std::chrono::milliseconds refreshInterval{1'000};  // how often the view of the others is renewed
  // How long a peer given bootstrap addresses looks for the others before it starts (they may all
  // have left, or the bootstrap node serves no peer of this run yet).
  std::chrono::milliseconds initialDiscovery{10'000};
};

// A peer as the others' records describe it.
struct PeerView {
  PeerId id{};
  std::string host;
  std::uint16_t port = 0;
  bool clientMode = false;
  std::uint64_t epoch = 0;
  std::uint64_t samples = 0;
  double samplesPerSecond = 0;
  std::uint64_t lastSeenMs = 0;  // when the record was issued
  bool self = false;
};

struct RoundResult {
  bool averaged = false;      // a group of two or more formed and this peer averaged with it
  std::size_t groupSize = 1;  // members, this peer included
  std::vector<PeerId> members;  // when a group formed
  RoundReport report;         // when averaged
  double matchmakingSeconds = 0;
  std::string outcome;        // "averaged", "partial" (some parts kept local values), "alone"
  // When averaged: a short hash of the values this peer ended with (a sample of them for large
  // models), so that members can be seen to agree.
  std::string digest;
};

constexpr std::uint64_t epochRoundKey(std::uint64_t epoch) { return 2 * epoch + 2; }
constexpr std::uint64_t stateRoundKey(std::uint64_t epoch) { return 2 * epoch + 1; }

class SwarmPeer {
 public:
  // Starts the server (unless client mode) and discovery, and publishes this peer at `epoch`.
  // Throws std::invalid_argument (bad key, address) or std::runtime_error (a port in use).
  SwarmPeer(SwarmPeerOptions options, std::uint64_t epoch);
  ~SwarmPeer();
  SwarmPeer(const SwarmPeer&) = delete;
  SwarmPeer& operator=(const SwarmPeer&) = delete;

  const PeerId& id() const;
  std::string address() const;  // "host:port" others reach this peer at; empty in client mode
  std::uint16_t dhtPort() const;
  bool clientMode() const { return options_.clientMode; }
  // How others reach this peer, for people: the address given, the port mapped by the router, or
  // client mode and why.
  const std::string& reachability() const { return reachability_; }
  const SwarmPeerOptions& options() const { return options_; }

  // The run's settings as this peer trains it (at most kMaxSettingsBytes), published with its record.
  // Only peers of the same settings are seen as the swarm (matchmaking, progress, state); the others
  // are foreign.
  void setSettings(std::string settings);
  // The settings of a peer of this run key that trains another configuration, if one is about.
  std::optional<std::string> foreignSettings() const;

  // What this peer has done towards `epoch`; published within the refresh interval.
  void report(std::uint64_t epoch, std::uint64_t samples, double samplesPerSecond);

  // The swarm as last seen (at most a refresh interval old), this peer included.
  SwarmProgress progress() const;
  std::vector<PeerView> peers() const;
  // The swarm's epoch as the other peers' records give it (swarmEpochOf); nothing when this peer is
  // alone.
  std::optional<std::uint64_t> othersEpoch() const;

  // Matchmaking for `epoch` with the peers on it, then averaging of `values` (weighted by `weight`,
  // this peer's samples) within the group. Without a group the values stay as they are. The record
  // shows `epoch` and `weight` until the group has formed, whatever report() says meanwhile (a
  // DiLoCo peer that averages in the background already trains towards the next epoch, and the
  // others must still find it on this one). May run on another thread than the other calls.
  RoundResult average(std::uint64_t epoch, std::vector<float>& values, double weight,
                      const std::vector<std::size_t>& tensorSizes);
  // Another round among the peers on `epoch` that this peer is on already (the state averaged after
  // a step), told apart from the epoch's own round by `roundKey` in matchmaking. Keys order the
  // rounds as they come (a peer past a key declines joins for it): epochRoundKey(e) for epoch e's
  // round, stateRoundKey(e) for a round between reaching e and e's own round.
  RoundResult averageExtra(std::uint64_t epoch, std::uint64_t roundKey, std::vector<float>& values, double weight,
                           const std::vector<std::size_t>& tensorSizes);

  // Serves the state file for `epoch` to peers that ask, from now on (the file must stay unchanged
  // until the next call, or stopSharingState).
  void shareState(std::uint64_t epoch, const std::string& path);
  void stopSharingState();
  // Peers asked for the state while none was shared: count of such requests so far.
  std::uint64_t unservedStateRequests() const;
  // Downloads the state of the swarm's epoch (othersEpoch) from a peer on it into `path`; returns its
  // epoch. Throws std::runtime_error naming the peers tried and why each failed.
  std::uint64_t downloadSwarmState(const std::string& path,
                                   const std::function<void(std::uint64_t, std::uint64_t)>& onProgress = {});

  // Stops publishing; the record expires. Called by the destructor too.
  void leave();

 private:
  void refreshLoop();
  void refreshNow(std::chrono::milliseconds wait);
  PeerRecord ownRecord() const;
  // The group has formed: the record shows what the training reported again, published at once.
  void releaseHeldRecord();
  // UPnP: the listen port mapped at the router, or client mode with the reason.
  void mapPortOrBecomeClient();
  // Registers at the first bootstrap address that answers as a relay and publishes its address.
  bool registerAtRelay(const std::string& whyNotMapped);
  std::optional<std::uint64_t> othersEpochLocked() const;  // mutex_ held
  void filterRecords();  // records_ from allRecords_ (the mutex held)

  SwarmPeerOptions options_;
  RunKey run_;
  std::unique_ptr<Identity> identity_;
  std::unique_ptr<PeerServer> server_;
  std::unique_ptr<Averager> averager_;
  std::unique_ptr<Matchmaker> matchmaker_;
  std::unique_ptr<StateServer> stateServer_;
  std::unique_ptr<Discovery> discovery_;
  std::unique_ptr<PortMapping> portMapping_;  // removed after the services that announce its address
  std::unique_ptr<RelayClient> relay_;        // where others reach this peer when no port could be mapped
  std::string publicHost_;
  std::string reachability_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool dirty_ = true;  // the own record changed since it was last published
  std::uint64_t epoch_ = 0, samples_ = 0;
  // The epoch and samples published while this peer's round for that epoch is matchmaking.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> heldForRound_;
  double samplesPerSecond_ = 0;
  std::string settings_;
  std::vector<PeerRecord> allRecords_;  // every live peer of the run key, foreign ones included
  std::vector<PeerRecord> records_;     // those of this peer's settings: the swarm it trains in
  FinishedRound lastRound_;             // the last epoch round this peer averaged in
  std::thread refresher_;
};

}  // namespace sds::swarm
