#pragma once
// "host:port" as peers, bootstrap nodes and relays are named on command lines and in settings.

#include <string>
#include <utility>

namespace sds::swarm {

// "host:port" (or "[v6]:port") split, the brackets removed; std::invalid_argument naming the text
// otherwise (no colon, no host, a port that is not 1 to 65535).
std::pair<std::string, std::string> splitHostPort(const std::string& hostPort);

}  // namespace sds::swarm
