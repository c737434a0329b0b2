#include "swarm/host_port.h"

#include <stdexcept>

namespace sds::swarm {

std::pair<std::string, std::string> splitHostPort(const std::string& hostPort) {
  const auto colon = hostPort.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == hostPort.size()) {
    throw std::invalid_argument("'" + hostPort + "' is not host:port");
  }
  std::string host = hostPort.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = hostPort.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoi(port) > 65535 ||
      std::stoi(port) == 0) {
    throw std::invalid_argument("'" + hostPort + "' does not end in a port number (1 to 65535)");
  }
  return {host, port};
}

}  // namespace sds::swarm
