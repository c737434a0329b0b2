#pragma once
// The relay's few lines of text (docs/swarm-protocol.md#relay). A peer that cannot accept connections
// registers with a relay (a bootstrap node) and is given a port of the relay's own; whoever connects
// there is spliced, byte for byte, to a connection the peer opens back to the relay on request. The
// peers' secure channel runs end to end through it, so the relay forwards what it cannot read.
//
//   peer → relay   "SDS-RELAY/1 REGISTER"      relay → peer  "OK <port>" | "FULL"
//   relay → peer   "CONNECT <token>"           (someone connected to <port>)  |  "PING"
//   peer → relay   "SDS-RELAY/1 ACCEPT <token>" on a new connection, which is then spliced

#include <optional>
#include <string>

#include "swarm/tcp_stream.h"

namespace sds::swarm::relay {

inline constexpr const char* kRegister = "SDS-RELAY/1 REGISTER";
inline constexpr const char* kAcceptPrefix = "SDS-RELAY/1 ACCEPT ";
inline constexpr std::size_t kMaxLine = 128;

// Lines of a stream, '\n'-terminated, read in whatever pieces arrive.
class LineReader {
 public:
  explicit LineReader(TcpStream& stream) : stream_(stream) {}
  // The next line without its '\n'; nothing when none completed before the deadline. Throws
  // ChannelError when the stream closed or a line runs past kMaxLine.
  std::optional<std::string> next(Deadline deadline);

 private:
  TcpStream& stream_;
  std::string buffer_;
};

void writeLine(TcpStream& stream, const std::string& line, Deadline deadline);

}  // namespace sds::swarm::relay
