#pragma once
// NAT-PMP (RFC 6886, through libnatpmp): the simpler protocol some routers speak instead of UPnP.
// The gateway is the default route's; it tells its external address and maps a port for a lifetime.
// PortMapping falls back to it where no UPnP gateway answers.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace sds::swarm {

class NatPmpGateway {
 public:
  // Asks the default gateway for its external address. Throws std::runtime_error when it does not
  // answer within `timeout` or there is no default gateway.
  explicit NatPmpGateway(std::chrono::milliseconds timeout);
  ~NatPmpGateway();
  NatPmpGateway(const NatPmpGateway&) = delete;
  NatPmpGateway& operator=(const NatPmpGateway&) = delete;

  // Maps external `port` to this host's `port` ("TCP" or "UDP") for `lifetime` seconds; returns the
  // lifetime granted (0 with `lifetime` 0 removes the mapping). Throws std::runtime_error naming the
  // refusal, also when the gateway offers another external port.
  std::uint32_t map(const char* protocol, std::uint16_t port, std::uint32_t lifetime);

  const std::string& address() const { return address_; }          // the gateway's
  const std::string& externalAddress() const { return external_; }  // as the internet sees it

 private:
  struct Session;
  std::unique_ptr<Session> session_;
  std::chrono::milliseconds timeout_;
  std::string address_, external_;
};

}  // namespace sds::swarm
