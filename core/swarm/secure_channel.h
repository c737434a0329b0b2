#pragma once
// An authenticated, encrypted channel between two peers of one run (see docs/swarm-protocol.md,
// "Channels"). The handshake proves knowledge of the run key before anything else is said, derives
// session keys from an ephemeral X25519 exchange bound to the run key and to both hellos, and has
// each side sign the transcript with its Ed25519 identity. Messages then travel in libsodium's
// secretstream (XChaCha20-Poly1305): ordered, tamper-evident, not replayable.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "swarm/identity.h"
#include "swarm/run_key.h"
#include "swarm/tcp_stream.h"

namespace sds::swarm {

class SecureChannel {
 public:
  ~SecureChannel();

  // Opens a channel to host:port. With `expected`, the other side must be that peer. Throws
  // ChannelError (Authentication when the other side does not know the run key or is someone else).
  static std::unique_ptr<SecureChannel> connect(const std::string& host, std::uint16_t port, const Identity& self,
                                                const RunKey& run, Deadline deadline,
                                                std::optional<PeerId> expected = std::nullopt);
  // The accepting side of the handshake, on a connection a TcpListener took.
  static std::unique_ptr<SecureChannel> accept(TcpStream stream, const Identity& self, const RunKey& run,
                                               Deadline deadline);

  // Sends one message. Messages longer than kMaxMessageBytes are refused (std::invalid_argument).
  void send(std::string_view message, Deadline deadline);
  // Receives one message of at most maxBytes; a longer announced length is refused before anything
  // is allocated, a tampered message fails authentication. Throws ChannelError.
  Bytes receive(std::size_t maxBytes, Deadline deadline);

  const PeerId& peer() const { return peer_; }
  std::string remoteAddress() const { return stream_.remoteAddress(); }
  std::uint64_t bytesSent() const { return bytesSent_; }
  std::uint64_t bytesReceived() const { return bytesReceived_; }
  void close() { stream_.close(); }

  static constexpr std::size_t kMaxMessageBytes = 256u << 20;

 private:
  struct Streams;
  SecureChannel(TcpStream stream);
  void handshake(bool initiator, const Identity& self, const RunKey& run, Deadline deadline,
                 const std::optional<PeerId>& expected);

  TcpStream stream_;
  std::unique_ptr<Streams> streams_;
  PeerId peer_{};
  std::uint64_t bytesSent_ = 0;
  std::uint64_t bytesReceived_ = 0;
};

}  // namespace sds::swarm
