#include "swarm/port_mapping.h"

#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpcommands.h>
#include <miniupnpc/upnperrors.h>

#include <cstdio>
#include <stdexcept>

#include "swarm/nat_pmp.h"
#include "util/log.h"

namespace sds::swarm {

namespace {

constexpr int kOnlyPermanentLeasesSupported = 725;

std::string upnpError(int code) {
  const char* text = strupnperror(code);
  return (text ? std::string(text) : std::string("error")) + " (" + std::to_string(code) + ")";
}

// "http://192.168.1.1:5000/ctl/IPConn" → "192.168.1.1".
std::string hostOf(const char* url) {
  std::string u = url ? url : "";
  const std::size_t scheme = u.find("://");
  if (scheme != std::string::npos) u = u.substr(scheme + 3);
  const std::size_t end = u.find_first_of(":/");
  return end == std::string::npos ? u : u.substr(0, end);
}

}  // namespace

struct PortMapping::Gateway {
  UPNPUrls urls{};
  IGDdatas data{};
  bool valid = false;
  ~Gateway() {
    if (valid) FreeUPNPUrls(&urls);
  }
};

PortMapping::PortMapping(std::uint16_t port, PortMappingOptions options)
    : gw_(std::make_unique<Gateway>()), port_(port), options_(std::move(options)), lease_(options_.leaseSeconds) {
  try {
    mapWithUpnp();
  } catch (const std::exception& upnp) {
    try {
      mapWithNatPmp();
    } catch (const std::exception& natPmp) {
      throw std::runtime_error(std::string(upnp.what()) + "; " + natPmp.what());
    }
  }
  if (lease_ > 0) renewer_ = std::thread([this] { renewLoop(); });
}

void PortMapping::mapWithNatPmp() {
  natPmp_ = std::make_unique<NatPmpGateway>(options_.discoveryTimeout);
  gateway_ = natPmp_->address();
  externalAddress_ = natPmp_->externalAddress();
  if (lease_ == 0) lease_ = 7'200;  // NAT-PMP has no permanent mappings; RFC 6886 recommends two hours
  lease_ = natPmp_->map("TCP", port_, lease_);
  try {
    natPmp_->map("UDP", port_, lease_);
  } catch (...) {
    try {
      natPmp_->map("TCP", port_, 0);
    } catch (const std::exception&) {
    }
    throw;
  }
}

void PortMapping::mapWithUpnp() {
  int error = 0;
  // The kinds of device a gateway answers as, each asked in turn with a share of the time (SSDP
  // answers on a home network come within a fraction of a second); the first kind answered ends it.
  const char* const kinds[] = {"urn:schemas-upnp-org:device:InternetGatewayDevice:1",
                               "urn:schemas-upnp-org:service:WANIPConnection:1",
                               "urn:schemas-upnp-org:service:WANPPPConnection:1", "upnp:rootdevice", nullptr};
  const std::int64_t total = std::max<std::int64_t>(400, options_.discoveryTimeout.count());
  const auto started = std::chrono::steady_clock::now();
  UPNPDev* devices = upnpDiscoverDevices(kinds, static_cast<int>(total / 4), nullptr, nullptr, UPNP_LOCAL_PORT_ANY, 0, 2,
                                         &error, 0);
  if (!devices) {
    char seconds[16];
    std::snprintf(seconds, sizeof seconds, "%.1f",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    throw std::runtime_error(std::string("no UPnP gateway answered in ") + seconds + " s");
  }
  char lan[64] = {0};
  const int found = UPNP_GetValidIGD(devices, &gw_->urls, &gw_->data, lan, sizeof lan);
  freeUPNPDevlist(devices);
  gw_->valid = found != 0;
  if (found == 0) throw std::runtime_error("no UPnP device on this network is an internet gateway");
  if (found == 3) throw std::runtime_error("the UPnP device that answered is not an internet gateway");
  if (found == 2) throw std::runtime_error("the UPnP gateway reports that it is not connected to the internet");
  lanAddress_ = lan;
  gateway_ = hostOf(gw_->urls.controlURL);
  char external[40] = {0};
  const int got = UPNP_GetExternalIPAddress(gw_->urls.controlURL, gw_->data.first.servicetype, external);
  if (got != 0 || external[0] == '\0')
    throw std::runtime_error("the gateway at " + gateway_ + " did not tell its external address: " + upnpError(got));
  externalAddress_ = external;
  add("TCP");
  try {
    add("UDP");
  } catch (...) {
    UPNP_DeletePortMapping(gw_->urls.controlURL, gw_->data.first.servicetype, std::to_string(port_).c_str(), "TCP", nullptr);
    throw;
  }
}

PortMapping::~PortMapping() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  const std::string port = std::to_string(port_);
  for (const char* protocol : {"TCP", "UDP"}) {
    if (natPmp_) {
      try {
        natPmp_->map(protocol, port_, 0);
      } catch (const std::exception& e) {
        log::warn("could not remove the " + std::string(protocol) + " mapping of port " + port + ": " + e.what());
      }
      continue;
    }
    const int r = UPNP_DeletePortMapping(gw_->urls.controlURL, gw_->data.first.servicetype, port.c_str(), protocol, nullptr);
    if (r != 0) log::warn("could not remove the " + std::string(protocol) + " mapping of port " + port + " at the gateway " + gateway_ + ": " + upnpError(r));
  }
  log::info("removed the mappings of port " + port + " at the gateway " + gateway_);
}

void PortMapping::add(const char* protocol) {
  if (natPmp_) {
    natPmp_->map(protocol, port_, lease_);
    return;
  }
  const std::string port = std::to_string(port_);
  int r = UPNP_AddPortMapping(gw_->urls.controlURL, gw_->data.first.servicetype, port.c_str(), port.c_str(),
                              lanAddress_.c_str(), options_.description.c_str(), protocol, nullptr,
                              std::to_string(lease_).c_str());
  if (r == kOnlyPermanentLeasesSupported && lease_ > 0) {
    lease_ = 0;  // removed on leaving all the same; nothing to renew
    r = UPNP_AddPortMapping(gw_->urls.controlURL, gw_->data.first.servicetype, port.c_str(), port.c_str(),
                            lanAddress_.c_str(), options_.description.c_str(), protocol, nullptr, "0");
  }
  if (r != 0)
    throw std::runtime_error("the gateway at " + gateway_ + " refused to map " + std::string(protocol) + " port " + port +
                             " to " + lanAddress_ + ": " + upnpError(r));
}

void PortMapping::renew() {
  std::lock_guard<std::mutex> lock(mutex_);
  add("TCP");
  add("UDP");
}

void PortMapping::renewLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::seconds(std::max<std::uint32_t>(1, lease_ / 2)), [this] { return stopping_; })) {
    lock.unlock();
    try {
      renew();
    } catch (const std::exception& e) {
      log::warn(std::string("renewing the port mapping: ") + e.what());
    }
    lock.lock();
  }
}

std::string PortMapping::describe() const {
  return "port " + std::to_string(port_) + " (TCP and UDP) mapped by the " + (natPmp_ ? "NAT-PMP" : "UPnP") +
         " gateway at " + gateway_ +
         ", external address " + externalAddress_ +
         (lease_ > 0 ? ", lease " + std::to_string(lease_) + " s renewed at half" : ", permanent until removed");
}

}  // namespace sds::swarm
