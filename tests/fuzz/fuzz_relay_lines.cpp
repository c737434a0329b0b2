// Untrusted bytes at a relay and at a relayed peer (docs/swarm-protocol.md#relay): lines arriving in
// any pieces, each parsed as either side does. A line past the limit ends the connection with
// ChannelError; a line parsed as a command is exactly that command written again.
//
// Input: byte 0 is the size of the pieces the rest arrives in (1 to 256).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "swarm/relay_protocol.h"

using namespace sds::swarm;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void checkLine(const std::string& text) {
  check(text.size() <= relay::kMaxLine && text.find('\n') == std::string::npos);
  const relay::Line line = relay::parseLine(text);
  switch (line.kind) {
    case relay::Line::Kind::Accept:
      check(line.token.size() == 2 * relay::kTokenBytes && relay::kAcceptPrefix + line.token == text);
      break;
    case relay::Line::Kind::Connect:
      check(line.token.size() == 2 * relay::kTokenBytes && "CONNECT " + line.token == text);
      break;
    case relay::Line::Kind::Ok:
      check(line.port > 0 && "OK " + std::to_string(line.port) == text);
      break;
    case relay::Line::Kind::Register:
      check(text == relay::kRegister);
      break;
    case relay::Line::Kind::Full:
    case relay::Line::Kind::Ping:
    case relay::Line::Kind::Unknown:
      check(line.token.empty() && line.port == 0);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t piece = data[0] % 256 + 1;
  relay::LineBuffer buffer;
  try {
    for (std::size_t at = 1; at < size; at += piece) {
      buffer.append(data + at, std::min(piece, size - at));
      while (const auto line = buffer.take()) checkLine(*line);
    }
  } catch (const ChannelError& e) {
    check(e.kind() == ChannelError::Kind::Protocol);
  }
  return 0;
}
