#pragma once
// An invitation to a swarm: one line a person copies and pastes, holding the run's key and the
// addresses new peers start from — `sdswarm1 <run key> <host:port> [<host:port> …]`.

#include <string>
#include <vector>

namespace sds::protocol {

struct SwarmInvitation {
  std::string runKey;              // "sdsrun-…"
  std::vector<std::string> peers;  // host:port (IPv6 hosts in brackets)
};

std::string encodeInvitation(const SwarmInvitation& invitation);
// Reads one pasted invitation (whitespace and line breaks around and between the parts are fine).
// Throws std::invalid_argument naming the part at fault and what was expected.
SwarmInvitation decodeInvitation(const std::string& text);
// Empty when `address` is host:port with a port of 1 to 65535; otherwise what is wrong with it.
std::string addressProblem(const std::string& address);

}  // namespace sds::protocol
