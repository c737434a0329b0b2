#pragma once
// A peer's listening side: accepts connections, runs the channel handshake, reads the first message
// and hands the channel to the service that registered that message's type (averaging parts,
// matchmaking requests, state downloads; docs/swarm-protocol.md lists the types). Each connection
// runs in its own thread, every wait bounded by a deadline.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "swarm/identity.h"
#include "swarm/run_key.h"
#include "swarm/secure_channel.h"

namespace sds::swarm {

struct PeerServerOptions {
  std::string listenHost = "127.0.0.1";
  std::uint16_t listenPort = 0;  // 0: any free port
  // The address others reach this server at, which it gives in groups; empty: the listen host
  // (never a wildcard such as 0.0.0.0, which others would take for themselves).
  std::string publicHost;
  std::chrono::milliseconds handshakeTimeout{10'000};
  std::chrono::milliseconds firstMessageTimeout{10'000};
  // Every service's first message is small (values travel in chunks): a longer one is refused.
  std::size_t maxFirstMessageBytes = (4u << 20) + 128;
  std::size_t maxConnections = 256;  // beyond this, new connections are closed at once
};

class PeerServer {
 public:
  // The handler owns the conversation from the first message on; it must return by its own deadline.
  using Handler = std::function<void(SecureChannel& channel, const Bytes& first)>;

  PeerServer(const Identity& identity, const RunKey& run, PeerServerOptions options = {});
  ~PeerServer();
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;

  void setHandler(std::uint8_t messageType, Handler handler);
  // Unregisters and waits until no connection is inside that handler any more.
  void removeHandler(std::uint8_t messageType);

  std::uint16_t port() const { return port_; }
  // The port others reach this server at: a relay's (setPublicPort), else the listening one.
  std::uint16_t publicPort() const { return publicPort_ ? publicPort_.load() : port_; }
  void setPublicPort(std::uint16_t port) { publicPort_ = port; }
  // Serves a connection that arrived another way (through a relay) like an accepted one.
  void adopt(TcpStream stream);
  const std::string& host() const { return options_.publicHost.empty() ? options_.listenHost : options_.publicHost; }
  // The address learned after listening (a port mapped at the router): before any service uses host().
  void setPublicHost(std::string host) { options_.publicHost = std::move(host); }
  const Identity& identity() const { return identity_; }
  const RunKey& run() const { return run_; }

 private:
  void listen();
  void serve(TcpStream stream);
  void reap(bool all);

  const Identity& identity_;
  const RunKey& run_;
  PeerServerOptions options_;
  std::unique_ptr<TcpListener> listener_;
  std::uint16_t port_ = 0;
  std::atomic<std::uint16_t> publicPort_{0};
  std::atomic<bool> stopping_{false};
  std::thread listenThread_;

  std::mutex connectionsMutex_;
  std::vector<std::pair<std::thread, std::shared_ptr<std::atomic<bool>>>> connections_;

  std::mutex handlersMutex_;
  std::condition_variable handlersIdle_;
  std::map<std::uint8_t, std::shared_ptr<Handler>> handlers_;
  std::map<std::uint8_t, int> running_;
};

}  // namespace sds::swarm
