#pragma once
// The relay's few lines of text (docs/swarm-protocol.md#relay). A peer that cannot accept connections
// registers with a relay (a bootstrap node) and is given a port of the relay's own; whoever connects
// there is spliced, byte for byte, to a connection the peer opens back to the relay on request. The
// peers' secure channel runs end to end through it, so the relay forwards what it cannot read.
//
//   peer → relay   "SDS-RELAY/1 REGISTER"      relay → peer  "OK <port>" | "FULL"
//   relay → peer   "CONNECT <token>"           (someone connected to <port>)  |  "PING"
//   peer → relay   "SDS-RELAY/1 ACCEPT <token>" on a new connection, which is then spliced

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "swarm/tcp_stream.h"

namespace sds::swarm::relay {

inline constexpr const char* kRegister = "SDS-RELAY/1 REGISTER";
inline constexpr const char* kAcceptPrefix = "SDS-RELAY/1 ACCEPT ";
inline constexpr std::size_t kMaxLine = 128;
inline constexpr std::size_t kTokenBytes = 16;  // a connection's token: 32 hexadecimal digits

// One line of the relay protocol, as either side reads it. Anything else is Unknown: a port scan,
// another protocol, a newer relay.
struct Line {
  enum class Kind { Register, Accept, Ok, Full, Connect, Ping, Unknown };
  Kind kind = Kind::Unknown;
  std::string token;       // Accept and Connect: kTokenBytes as lowercase hex
  std::uint16_t port = 0;  // Ok: 1 to 65535
};
Line parseLine(std::string_view line);

// Bytes in, '\n'-terminated lines out.
class LineBuffer {
 public:
  void append(const std::uint8_t* data, std::size_t n) { buffer_.append(reinterpret_cast<const char*>(data), n); }
  // The next complete line without its '\n'. Throws ChannelError when a line runs past kMaxLine.
  std::optional<std::string> take();

 private:
  std::string buffer_;
};

// Lines of a stream, read in whatever pieces arrive.
class LineReader {
 public:
  explicit LineReader(TcpStream& stream) : stream_(stream) {}
  // The next line without its '\n'; nothing when none completed before the deadline. Throws
  // ChannelError when the stream closed or a line runs past kMaxLine.
  std::optional<std::string> next(Deadline deadline);

 private:
  TcpStream& stream_;
  LineBuffer buffer_;
};

void writeLine(TcpStream& stream, const std::string& line, Deadline deadline);

}  // namespace sds::swarm::relay
