#include "protocol/swarm_invitation.h"

#include <sstream>
#include <stdexcept>

namespace sds::protocol {

namespace {
constexpr const char* kTag = "sdswarm1";
}

std::string addressProblem(const std::string& address) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return "\"" + address + "\" is not HOST:PORT";
  const std::string host = address.substr(0, colon), port = address.substr(colon + 1);
  if (host.find(':') != std::string::npos && (host.front() != '[' || host.back() != ']'))
    return "\"" + address + "\": an IPv6 address goes in brackets, [2001:db8::1]:4300";
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return "\"" + address + "\": the port must be a number";
  const int number = std::stoi(port);
  if (number < 1 || number > 65535) return "\"" + address + "\": the port must be 1 to 65535";
  return {};
}

std::string encodeInvitation(const SwarmInvitation& invitation) {
  std::string out = std::string(kTag) + " " + invitation.runKey;
  for (const std::string& peer : invitation.peers) out += " " + peer;
  return out;
}

SwarmInvitation decodeInvitation(const std::string& text) {
  std::istringstream in(text);
  std::string tag;
  if (!(in >> tag) || tag != kTag)
    throw std::invalid_argument("an invitation begins with \"" + std::string(kTag) + "\"" +
                                (tag.empty() ? std::string() : ", not \"" + tag.substr(0, 24) + "\""));
  SwarmInvitation invitation;
  if (!(in >> invitation.runKey) || invitation.runKey.rfind("sdsrun-", 0) != 0)
    throw std::invalid_argument("the invitation's second part must be the run key (\"sdsrun-…\")");
  std::string peer;
  while (in >> peer) {
    const std::string problem = addressProblem(peer);
    if (!problem.empty()) throw std::invalid_argument("the invitation's address " + problem);
    invitation.peers.push_back(peer);
  }
  if (invitation.peers.empty()) throw std::invalid_argument("the invitation names no peer address to join through");
  return invitation;
}

}  // namespace sds::protocol
