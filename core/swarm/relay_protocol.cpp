#include "swarm/relay_protocol.h"

#include <algorithm>

namespace sds::swarm::relay {

namespace {

bool isToken(std::string_view s) {
  return s.size() == 2 * kTokenBytes &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "1" to "65535", digits only.
std::optional<std::uint16_t> portOf(std::string_view s) {
  if (s.empty() || s.size() > 5 || s[0] == '0') return std::nullopt;
  std::uint32_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

Line parseLine(std::string_view line) {
  Line parsed;
  const std::string_view accept = kAcceptPrefix;
  if (line == kRegister) {
    parsed.kind = Line::Kind::Register;
  } else if (line == "FULL") {
    parsed.kind = Line::Kind::Full;
  } else if (line == "PING") {
    parsed.kind = Line::Kind::Ping;
  } else if (startsWith(line, accept) && isToken(line.substr(accept.size()))) {
    parsed.kind = Line::Kind::Accept;
    parsed.token = std::string(line.substr(accept.size()));
  } else if (startsWith(line, "CONNECT ") && isToken(line.substr(8))) {
    parsed.kind = Line::Kind::Connect;
    parsed.token = std::string(line.substr(8));
  } else if (startsWith(line, "OK ")) {
    if (const std::optional<std::uint16_t> port = portOf(line.substr(3))) {
      parsed.kind = Line::Kind::Ok;
      parsed.port = *port;
    }
  }
  return parsed;
}

std::optional<std::string> LineBuffer::take() {
  const std::size_t end = buffer_.find('\n');
  if (end == std::string::npos) {
    if (buffer_.size() > kMaxLine) throw ChannelError(ChannelError::Kind::Protocol, "a relay line is too long");
    return std::nullopt;
  }
  if (end > kMaxLine) throw ChannelError(ChannelError::Kind::Protocol, "a relay line is too long");
  std::string line = buffer_.substr(0, end);
  buffer_.erase(0, end + 1);
  return line;
}

std::optional<std::string> LineReader::next(Deadline deadline) {
  for (;;) {
    if (std::optional<std::string> line = buffer_.take()) return line;
    std::uint8_t piece[256];
    std::size_t n = 0;
    try {
      n = stream_.readSome(piece, sizeof piece, deadline);
    } catch (const ChannelError& e) {
      if (e.kind() == ChannelError::Kind::Timeout) return std::nullopt;
      throw;
    }
    if (n == 0) throw ChannelError(ChannelError::Kind::Closed, stream_.remoteAddress() + " closed the relay connection");
    buffer_.append(piece, n);
  }
}

void writeLine(TcpStream& stream, const std::string& line, Deadline deadline) {
  const std::string text = line + "\n";
  stream.writeAll(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), deadline);
}

}  // namespace sds::swarm::relay
