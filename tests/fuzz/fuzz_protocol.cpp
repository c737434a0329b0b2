// Untrusted protocol lines: commands a client sends the trainer, events the studio reads from it, and
// swarm invitations people paste. Bad lines are refused with ProtocolError (or decode to nothing;
// invitations with std::invalid_argument); a decoded line encodes again, and an invitation encoded
// decodes to the same one.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "protocol/events.h"
#include "protocol/swarm_invitation.h"

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
  try {
    const sds::protocol::SwarmInvitation invitation = sds::protocol::decodeInvitation(std::string(line));
    const sds::protocol::SwarmInvitation again =
        sds::protocol::decodeInvitation(sds::protocol::encodeInvitation(invitation));
    if (again.runKey != invitation.runKey || again.peers != invitation.peers) std::abort();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
