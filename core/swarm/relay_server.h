#pragma once
// A relay for peers that cannot accept connections (docs/swarm.md#reachability-from-home): each
// registered peer gets a port of the relay's, and connections to it are spliced to the peer through a
// connection the peer opens back (relay_protocol.h). It serves peers of any run and reads nothing of
// what it forwards (the peers' channels are encrypted end to end); it bounds what it carries: peers
// registered at once, connections per peer, and bytes per second per peer.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace sds::swarm {

struct RelayOptions {
  std::string listenHost = "0.0.0.0";
  std::size_t maxPeers = 32;                // registered at once; more are told FULL
  std::size_t maxConnectionsPerPeer = 64;   // spliced or waiting, per registered peer
  double bytesPerSecond = 4e6;              // per registered peer, both directions together
  std::chrono::milliseconds acceptTimeout{10'000};  // for the peer to take a connection
  std::chrono::milliseconds idleTimeout{300'000};   // a spliced connection with no byte either way ends
};

class RelayServer {
 public:
  // Listens on TCP `port` (0: any free one); throws std::runtime_error naming it when it cannot.
  RelayServer(std::uint16_t port, RelayOptions options = {});
  ~RelayServer();  // closes every connection and waits for its threads
  RelayServer(const RelayServer&) = delete;
  RelayServer& operator=(const RelayServer&) = delete;

  std::uint16_t port() const;
  std::size_t registeredPeers() const;
  std::uint64_t bytesForwarded() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sds::swarm
