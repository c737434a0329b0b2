#pragma once
// Finding the run's peers (docs/swarm-protocol.md, "Discovery"): an OpenDHT node that publishes this
// peer's sealed record under the run's DHT key, refreshes it before it expires, and reads the others'.
// The DHT is untrusted storage: whatever comes back is opened with the run key, and foreign,
// tampered, expired and replayed records are dropped.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "swarm/identity.h"
#include "swarm/peer_record.h"
#include "swarm/run_key.h"

namespace sds::swarm {

struct DiscoveryOptions {
  std::uint16_t port = 0;                  // the DHT's UDP port; 0: any free one
  std::vector<std::string> bootstrap;      // "host:port" of known DHT nodes (a bootstrap node, any peer)
  std::chrono::seconds recordLifetime{60};
  long perAddressRequestLimit = 0;         // 0: OpenDHT's default; -1: none (peers sharing one address)
};

struct DiscoveryStats {
  std::size_t accepted = 0;
  std::size_t rejected = 0;  // reads of foreign, tampered, expired or malformed values
  std::size_t older = 0;  // older than one already read: the DHT keeps a peer's last values a while
};

class Discovery {
 public:
  Discovery(const Identity& identity, const RunKey& run, DiscoveryOptions options = {});
  ~Discovery();
  Discovery(const Discovery&) = delete;
  Discovery& operator=(const Discovery&) = delete;

  std::uint16_t port() const;
  void addBootstrap(const std::string& hostPort);

  // Publishes this peer's record now and keeps it fresh (its peer, sequence and times are filled in).
  void publish(PeerRecord record);
  // Stops refreshing and replaces the record with one that expires within a second; waits at most
  // `wait` for that to reach the DHT.
  void withdraw(std::chrono::milliseconds wait = std::chrono::milliseconds(2'000));

  // The run's peers as the DHT knows them, this one included: the newest valid record of each.
  // Waits at most `wait` for the lookup.
  std::vector<PeerRecord> peers(std::chrono::milliseconds wait);
  DiscoveryStats stats() const;

  // The raw DHT, for the bootstrap node and for tests that write values as an attacker would.
  void putRaw(const std::string& bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sds::swarm
