#include "swarm/relay_client.h"

#include <stdexcept>

#include "swarm/relay_protocol.h"
#include "util/log.h"

namespace sds::swarm {

RelayClient::RelayClient(std::string host, std::uint16_t port, Incoming incoming, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), incoming_(std::move(incoming)) {
  const Deadline deadline = Clock::now() + timeout;
  control_ = TcpStream::connect(host_, port_, deadline);
  relay::writeLine(control_, relay::kRegister, deadline);
  lines_ = std::make_unique<relay::LineReader>(control_);
  const std::optional<std::string> answer = lines_->next(deadline);
  if (!answer) throw ChannelError(ChannelError::Kind::Timeout, host_ + ":" + std::to_string(port_) + " did not answer as a relay");
  const relay::Line registered = relay::parseLine(*answer);
  if (registered.kind == relay::Line::Kind::Full)
    throw std::runtime_error("the relay at " + host_ + ":" + std::to_string(port_) + " is full");
  if (registered.kind != relay::Line::Kind::Ok)
    throw ChannelError(ChannelError::Kind::Protocol, host_ + ":" + std::to_string(port_) + " answered no relay port");
  relayedPort_ = registered.port;
  thread_ = std::thread([this] { run(); });
}

RelayClient::~RelayClient() {
  stopping_ = true;
  control_.shutdown();
  if (thread_.joinable()) thread_.join();
}

void RelayClient::run() {
  try {
    while (!stopping_) {
      const std::optional<std::string> line = lines_->next(Clock::now() + std::chrono::milliseconds(500));
      if (!line) continue;
      const relay::Line control = relay::parseLine(*line);
      if (control.kind != relay::Line::Kind::Connect) continue;  // PING, or what a newer relay says
      try {
        const Deadline deadline = Clock::now() + std::chrono::seconds(5);
        TcpStream stream = TcpStream::connect(host_, port_, deadline);
        relay::writeLine(stream, relay::kAcceptPrefix + control.token, deadline);
        incoming_(std::move(stream));
      } catch (const std::exception& e) {
        log::warn("swarm: a connection through the relay " + host_ + " failed: " + e.what());
      }
    }
  } catch (const std::exception& e) {
    if (!stopping_) log::warn("swarm: the relay " + host_ + ":" + std::to_string(port_) + " ended this peer's registration: " + e.what() + "; the others cannot reach it until it joins again");
  }
  alive_ = false;
}

}  // namespace sds::swarm
