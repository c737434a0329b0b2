#include "swarm/tcp_stream.h"

#include <poll.h>
#include <sys/socket.h>

#include <asio.hpp>

namespace sds::swarm {

namespace {

int millisecondsLeft(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

// Waits until the descriptor is ready for `events` or the deadline passes.
bool waitReady(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int left = millisecondsLeft(deadline);
    const int n = ::poll(&p, 1, left);
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

struct TcpStream::Impl {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  std::string remote;
};

TcpStream::TcpStream() : impl_(std::make_unique<Impl>()) {}
TcpStream::TcpStream(TcpStream&&) noexcept = default;
TcpStream& TcpStream::operator=(TcpStream&&) noexcept = default;
TcpStream::~TcpStream() { close(); }

TcpStream TcpStream::connect(const std::string& host, std::uint16_t port, Deadline deadline) {
  TcpStream stream;
  Impl& s = *stream.impl_;
  s.remote = host + ":" + std::to_string(port);
  asio::error_code ec;
  asio::ip::tcp::resolver resolver(s.io);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec || endpoints.empty()) {
    throw ChannelError(ChannelError::Kind::Refused, "cannot resolve " + s.remote + ": " + ec.message());
  }
  std::string lastError = "no address";
  for (const auto& entry : endpoints) {
    s.socket.close(ec);
    s.socket.open(entry.endpoint().protocol(), ec);
    if (ec) { lastError = ec.message(); continue; }
    s.socket.non_blocking(true, ec);
    s.socket.set_option(asio::ip::tcp::no_delay(true), ec);
    s.socket.connect(entry.endpoint(), ec);
    if (ec == asio::error::in_progress || ec == asio::error::would_block) {
      if (!waitReady(s.socket.native_handle(), POLLOUT, deadline)) {
        throw ChannelError(ChannelError::Kind::Timeout, "connecting to " + s.remote + " timed out");
      }
      int error = 0;
      socklen_t len = sizeof error;
      ::getsockopt(s.socket.native_handle(), SOL_SOCKET, SO_ERROR, &error, &len);
      ec = asio::error_code(error, asio::system_category());
    }
    if (!ec) return stream;
    lastError = ec.message();
  }
  s.socket.close(ec);
  throw ChannelError(ChannelError::Kind::Refused, "cannot connect to " + s.remote + ": " + lastError);
}

void TcpStream::writeAll(const std::uint8_t* data, std::size_t n, Deadline deadline) {
  Impl& s = *impl_;
  if (!s.socket.is_open()) throw ChannelError(ChannelError::Kind::Closed, "connection to " + s.remote + " is closed");
  std::size_t done = 0;
  while (done < n) {
    asio::error_code ec;
    const std::size_t k = s.socket.write_some(asio::buffer(data + done, n - done), ec);
    done += k;
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      if (!waitReady(s.socket.native_handle(), POLLOUT, deadline)) {
        throw ChannelError(ChannelError::Kind::Timeout, "sending to " + s.remote + " timed out");
      }
    } else if (ec) {
      throw ChannelError(ChannelError::Kind::Closed, "sending to " + s.remote + " failed: " + ec.message());
    }
  }
}

std::size_t TcpStream::readSome(std::uint8_t* data, std::size_t n, Deadline deadline) {
  Impl& s = *impl_;
  if (!s.socket.is_open()) throw ChannelError(ChannelError::Kind::Closed, "connection to " + s.remote + " is closed");
  for (;;) {
    asio::error_code ec;
    const std::size_t k = s.socket.read_some(asio::buffer(data, n), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      if (!waitReady(s.socket.native_handle(), POLLIN, deadline))
        throw ChannelError(ChannelError::Kind::Timeout, "waiting for " + s.remote + " timed out");
    } else if (ec == asio::error::eof) {
      return 0;
    } else if (ec) {
      throw ChannelError(ChannelError::Kind::Closed, "reading from " + s.remote + " failed: " + ec.message());
    } else {
      return k;
    }
  }
}

void TcpStream::readExact(std::uint8_t* data, std::size_t n, Deadline deadline) {
  Impl& s = *impl_;
  if (!s.socket.is_open()) throw ChannelError(ChannelError::Kind::Closed, "connection to " + s.remote + " is closed");
  std::size_t done = 0;
  while (done < n) {
    asio::error_code ec;
    const std::size_t k = s.socket.read_some(asio::buffer(data + done, n - done), ec);
    done += k;
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      if (!waitReady(s.socket.native_handle(), POLLIN, deadline)) {
        throw ChannelError(ChannelError::Kind::Timeout, "waiting for " + s.remote + " timed out");
      }
    } else if (ec == asio::error::eof) {
      throw ChannelError(ChannelError::Kind::Closed, s.remote + " closed the connection");
    } else if (ec) {
      throw ChannelError(ChannelError::Kind::Closed, "reading from " + s.remote + " failed: " + ec.message());
    }
  }
}

std::string TcpStream::remoteAddress() const { return impl_ ? impl_->remote : std::string(); }

void TcpStream::close() {
  if (!impl_) return;
  asio::error_code ec;
  impl_->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  impl_->socket.close(ec);
}

void TcpStream::shutdown() {
  if (impl_ && impl_->socket.is_open()) ::shutdown(impl_->socket.native_handle(), SHUT_RDWR);
}

bool TcpStream::isOpen() const { return impl_ && impl_->socket.is_open(); }

struct TcpListener::Impl {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io};
};

TcpListener::TcpListener(const std::string& host, std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  asio::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("cannot listen on '" + host + "': not an IP address");
  const asio::ip::tcp::endpoint endpoint(address, port);
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) a.non_blocking(true, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
}

TcpListener::~TcpListener() = default;

std::uint16_t TcpListener::port() const { return impl_->acceptor.local_endpoint().port(); }

std::optional<TcpStream> TcpListener::accept(std::chrono::milliseconds wait) {
  auto& a = impl_->acceptor;
  if (!waitReady(a.native_handle(), POLLIN, Clock::now() + wait)) return std::nullopt;
  TcpStream stream;
  asio::error_code ec;
  asio::ip::tcp::endpoint remote;
  a.accept(stream.impl_->socket, remote, ec);
  if (ec) return std::nullopt;
  stream.impl_->socket.non_blocking(true, ec);
  stream.impl_->socket.set_option(asio::ip::tcp::no_delay(true), ec);
  stream.impl_->remote = remote.address().to_string() + ":" + std::to_string(remote.port());
  return stream;
}

}  // namespace sds::swarm
