#include "swarm/relay_protocol.h"

namespace sds::swarm::relay {

std::optional<std::string> LineReader::next(Deadline deadline) {
  for (;;) {
    const std::size_t end = buffer_.find('\n');
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return line;
    }
    if (buffer_.size() > kMaxLine) throw ChannelError(ChannelError::Kind::Protocol, "a relay line is too long");
    std::uint8_t piece[256];
    std::size_t n = 0;
    try {
      n = stream_.readSome(piece, sizeof piece, deadline);
    } catch (const ChannelError& e) {
      if (e.kind() == ChannelError::Kind::Timeout) return std::nullopt;
      throw;
    }
    if (n == 0) throw ChannelError(ChannelError::Kind::Closed, stream_.remoteAddress() + " closed the relay connection");
    buffer_.append(reinterpret_cast<const char*>(piece), n);
  }
}

void writeLine(TcpStream& stream, const std::string& line, Deadline deadline) {
  const std::string text = line + "\n";
  stream.writeAll(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), deadline);
}

}  // namespace sds::swarm::relay
