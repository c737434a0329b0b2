#pragma once
// A port forwarded by the home router (UPnP IGD, through miniupnpc; NAT-PMP where no UPnP gateway
// will, nat_pmp.h): the gateway is discovered on the local network, the listen port is mapped for TCP
// and UDP with a lease, renewed at half the lease, and removed when the mapping ends. The gateway
// also tells the address the internet sees. Without a gateway, or when it refuses, construction
// throws with the reasons, and the peer is relayed or takes part in client mode instead.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sds::swarm {

class NatPmpGateway;

struct PortMappingOptions {
  std::chrono::milliseconds discoveryTimeout{2'000};  // how long the gateway has to answer (each protocol)
  std::uint32_t leaseSeconds = 3'600;                 // renewed at half; 0: a gateway that allows only permanent ones
  std::string description = "SD Studio swarm peer";
};

class PortMapping {
 public:
  // Maps external `port` to this host's `port` for TCP and UDP. Throws std::runtime_error naming
  // what failed: no gateway answered, the device is not a gateway, the port is taken, …
  PortMapping(std::uint16_t port, PortMappingOptions options = {});
  ~PortMapping();  // removes both mappings (a crash leaves them to the lease)
  PortMapping(const PortMapping&) = delete;
  PortMapping& operator=(const PortMapping&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& externalAddress() const { return externalAddress_; }  // as the internet sees the gateway
  const std::string& lanAddress() const { return lanAddress_; }            // this host's, toward the gateway
  const std::string& gateway() const { return gateway_; }                  // the gateway's control URL host
  std::uint32_t leaseSeconds() const { return lease_; }
  // One line for people: "port 4300 (TCP and UDP) mapped by the gateway at 192.168.1.1, external address …".
  std::string describe() const;

  // The mappings as the gateway now holds them (renewals happen on their own thread).
  void renew();

 private:
  struct Gateway;
  void mapWithUpnp();
  void mapWithNatPmp();
  void add(const char* protocol);
  void renewLoop();

  std::unique_ptr<Gateway> gw_;
  std::unique_ptr<NatPmpGateway> natPmp_;  // set when the mapping is NAT-PMP's
  std::uint16_t port_;
  PortMappingOptions options_;
  std::uint32_t lease_ = 0;
  std::string externalAddress_, lanAddress_, gateway_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread renewer_;
};

}  // namespace sds::swarm
