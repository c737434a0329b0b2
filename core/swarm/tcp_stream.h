#pragma once
// TCP connections with a deadline on every operation, on standalone asio. Sockets run non-blocking
// and wait with poll(), so a peer that stops sending (or a SIGSTOPped one) costs a caller no more
// than its deadline, and no thread is left blocked forever.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace sds::swarm {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

class ChannelError : public std::runtime_error {
 public:
  enum class Kind { Timeout, Closed, Refused, Protocol, Authentication };
  ChannelError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class TcpStream {
 public:
  TcpStream();
  TcpStream(TcpStream&&) noexcept;
  TcpStream& operator=(TcpStream&&) noexcept;
  ~TcpStream();

  // Connects to host:port (an address or a name) before the deadline; throws ChannelError.
  static TcpStream connect(const std::string& host, std::uint16_t port, Deadline deadline);

  void writeAll(const std::uint8_t* data, std::size_t n, Deadline deadline);
  void readExact(std::uint8_t* data, std::size_t n, Deadline deadline);
  // Up to n bytes, as soon as any arrived; 0 when the other side closed. Throws on a timeout or error.
  std::size_t readSome(std::uint8_t* data, std::size_t n, Deadline deadline);
  std::string remoteAddress() const;  // "host:port", for messages
  void close();
  // Ends both directions without closing the descriptor, so that another thread blocked in a read or
  // write on this stream returns (Closed); close() must not be called while another thread uses it.
  void shutdown();
  bool isOpen() const;

 private:
  friend class TcpListener;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class TcpListener {
 public:
  // Listens on host:port; port 0 picks a free one (see port()). Throws std::runtime_error naming the
  // address when it cannot bind.
  TcpListener(const std::string& host, std::uint16_t port);
  ~TcpListener();
  std::uint16_t port() const;
  // The next connection, or nothing when none came within `wait`.
  std::optional<TcpStream> accept(std::chrono::milliseconds wait);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sds::swarm
