#pragma once
// A peer's registration at a relay (relay_server.h): the relay's host and the port it gave this peer
// are where the others reach it; every connection they make there arrives as a stream handed to
// `incoming`, as if this peer had accepted it.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "swarm/tcp_stream.h"

namespace sds::swarm {

namespace relay {
class LineReader;
}

class RelayClient {
 public:
  using Incoming = std::function<void(TcpStream)>;

  // Registers at host:port. Throws ChannelError when nothing answers there as a relay within
  // `timeout`, and std::runtime_error when the relay is full.
  RelayClient(std::string host, std::uint16_t port, Incoming incoming,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(3'000));
  ~RelayClient();
  RelayClient(const RelayClient&) = delete;
  RelayClient& operator=(const RelayClient&) = delete;

  const std::string& host() const { return host_; }
  std::uint16_t relayPort() const { return port_; }
  // The port the relay gave this peer: others connect to host():relayedPort().
  std::uint16_t relayedPort() const { return relayedPort_; }
  // False once the relay closed the registration (it stopped, or the link broke).
  bool alive() const { return alive_; }

 private:
  void run();

  std::string host_;
  std::uint16_t port_ = 0, relayedPort_ = 0;
  Incoming incoming_;
  TcpStream control_;
  std::unique_ptr<relay::LineReader> lines_;  // of control_, from the registration's answer on
  std::atomic<bool> stopping_{false}, alive_{true};
  std::thread thread_;
};

}  // namespace sds::swarm
