#include "swarm/peer_server.h"

#include "swarm/tcp_stream.h"
#include "util/log.h"

namespace sds::swarm {

PeerServer::PeerServer(const Identity& identity, const RunKey& run, PeerServerOptions options)
    : identity_(identity), run_(run), options_(std::move(options)) {
  listener_ = std::make_unique<TcpListener>(options_.listenHost, options_.listenPort);
  port_ = listener_->port();
  listenThread_ = std::thread([this] { listen(); });
}

PeerServer::~PeerServer() {
  stopping_ = true;
  if (listenThread_.joinable()) listenThread_.join();
  reap(true);
}

void PeerServer::setHandler(std::uint8_t messageType, Handler handler) {
  std::lock_guard<std::mutex> lock(handlersMutex_);
  handlers_[messageType] = std::make_shared<Handler>(std::move(handler));
}

void PeerServer::removeHandler(std::uint8_t messageType) {
  std::unique_lock<std::mutex> lock(handlersMutex_);
  handlers_.erase(messageType);
  handlersIdle_.wait(lock, [&] { return running_[messageType] == 0; });
}

void PeerServer::listen() {
  while (!stopping_) {
    std::optional<TcpStream> stream = listener_->accept(std::chrono::milliseconds(100));
    reap(false);
    if (stream) adopt(std::move(*stream));
  }
}

void PeerServer::adopt(TcpStream stream) {
  std::lock_guard<std::mutex> lock(connectionsMutex_);
  if (stopping_) return;
  if (connections_.size() >= options_.maxConnections) {
    log::warn("swarm: " + std::to_string(connections_.size()) + " connections open; closing the one from " +
              stream.remoteAddress());
    return;  // the stream closes as it goes out of scope
  }
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread connection([this, s = std::move(stream), done]() mutable {
    serve(std::move(s));
    *done = true;
  });
  connections_.emplace_back(std::move(connection), done);
}

void PeerServer::reap(bool all) {
  std::lock_guard<std::mutex> lock(connectionsMutex_);
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (all || *it->second) {
      it->first.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void PeerServer::serve(TcpStream stream) {
  const std::string from = stream.remoteAddress();
  try {
    auto channel = SecureChannel::accept(std::move(stream), identity_, run_, Clock::now() + options_.handshakeTimeout);
    const Bytes first = channel->receive(options_.maxFirstMessageBytes, Clock::now() + options_.firstMessageTimeout);
    if (first.empty()) throw ChannelError(ChannelError::Kind::Protocol, "an empty first message");
    const std::uint8_t type = first[0];
    std::shared_ptr<Handler> handler;
    {
      std::lock_guard<std::mutex> lock(handlersMutex_);
      const auto it = handlers_.find(type);
      if (it == handlers_.end()) {
        throw ChannelError(ChannelError::Kind::Protocol, "message type " + std::to_string(type) + " is not served here");
      }
      handler = it->second;
      ++running_[type];
    }
    try {
      (*handler)(*channel, first);
    } catch (const std::exception& e) {
      log::warn("swarm: a conversation with " + from + " ended: " + e.what());
    }
    std::lock_guard<std::mutex> lock(handlersMutex_);
    --running_[type];
    handlersIdle_.notify_all();
  } catch (const std::exception& e) {
    log::warn("swarm: refused a connection from " + from + ": " + e.what());
  }
}

}  // namespace sds::swarm
