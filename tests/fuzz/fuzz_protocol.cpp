// Untrusted protocol lines: commands a client sends the trainer and events the studio reads from it.
// Bad lines are refused with ProtocolError (or decode to nothing); a decoded line encodes again.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/events.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  try {
    const sds::protocol::Command command = sds::protocol::decodeCommand(line);
    (void)sds::protocol::encode(command);
  } catch (const sds::protocol::ProtocolError&) {
  }
  try {
    if (const auto event = sds::protocol::decodeEvent(line)) (void)sds::protocol::encode(*event, 0.0);
  } catch (const sds::protocol::ProtocolError&) {
  }
  return 0;
}
