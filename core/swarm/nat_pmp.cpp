#include "swarm/nat_pmp.h"

#include <arpa/inet.h>
#include <sys/select.h>

#define ENABLE_STRNATPMPERR
#include <natpmp.h>

#include <cstring>
#include <mutex>
#include <stdexcept>

namespace sds::swarm {

namespace {

std::string errorText(int code) {
  const char* text = strnatpmperr(code);
  return (text ? std::string(text) : std::string("error")) + " (" + std::to_string(code) + ")";
}

std::string addressText(in_addr address) {
  char text[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

}  // namespace

struct NatPmpGateway::Session {
  natpmp_t handle{};
  bool open = false;
  std::mutex mutex;  // one request at a time (renewals run on another thread)

  // Waits for the pending request's answer, letting libnatpmp resend on its schedule.
  natpmpresp_t answer(std::chrono::milliseconds timeout, const std::string& what) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    natpmpresp_t response{};
    for (;;) {
      const int r = readnatpmpresponseorretry(&handle, &response);
      if (r >= 0) return response;
      if (r != NATPMP_TRYAGAIN) throw std::runtime_error(what + ": " + errorText(r));
      const auto left = until - std::chrono::steady_clock::now();
      if (left <= std::chrono::milliseconds(0)) throw std::runtime_error(what + ": no answer");
      timeval wait{};
      getnatpmprequesttimeout(&handle, &wait);
      const auto leftUs = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
      if (wait.tv_sec * 1'000'000 + wait.tv_usec > leftUs) {
        wait.tv_sec = static_cast<time_t>(leftUs / 1'000'000);
        wait.tv_usec = static_cast<suseconds_t>(leftUs % 1'000'000);
      }
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(handle.s, &fds);
      select(handle.s + 1, &fds, nullptr, nullptr, &wait);
    }
  }
};

NatPmpGateway::NatPmpGateway(std::chrono::milliseconds timeout)
    : session_(std::make_unique<Session>()), timeout_(timeout) {
  const int r = initnatpmp(&session_->handle, 0, 0);
  if (r < 0) throw std::runtime_error("no NAT-PMP gateway: " + errorText(r));
  session_->open = true;
  in_addr gateway{};
  gateway.s_addr = session_->handle.gateway;
  address_ = addressText(gateway);
  const int sent = sendpublicaddressrequest(&session_->handle);
  if (sent < 0) throw std::runtime_error("cannot ask the gateway " + address_ + " by NAT-PMP: " + errorText(sent));
  const natpmpresp_t response = session_->answer(timeout_, "no NAT-PMP gateway answered at " + address_);
  external_ = addressText(response.pnu.publicaddress.addr);
}

NatPmpGateway::~NatPmpGateway() {
  if (session_->open) closenatpmp(&session_->handle);
}

std::uint32_t NatPmpGateway::map(const char* protocol, std::uint16_t port, std::uint32_t lifetime) {
  std::lock_guard<std::mutex> lock(session_->mutex);
  const bool tcp = std::strcmp(protocol, "TCP") == 0;
  const int sent = sendnewportmappingrequest(&session_->handle, tcp ? NATPMP_PROTOCOL_TCP : NATPMP_PROTOCOL_UDP, port,
                                             port, lifetime);
  const std::string what = "the NAT-PMP gateway at " + address_ + " did not map " + protocol + " port " +
                           std::to_string(port);
  if (sent < 0) throw std::runtime_error(what + ": " + errorText(sent));
  const natpmpresp_t response = session_->answer(timeout_, what);
  if (lifetime > 0 && response.pnu.newportmapping.mappedpublicport != port) {
    const std::uint16_t offered = response.pnu.newportmapping.mappedpublicport;
    sendnewportmappingrequest(&session_->handle, tcp ? NATPMP_PROTOCOL_TCP : NATPMP_PROTOCOL_UDP, port, offered, 0);
    try {
      session_->answer(timeout_, what);
    } catch (const std::exception&) {
    }
    throw std::runtime_error(what + ": it offered external port " + std::to_string(offered) + " instead");
  }
  return response.pnu.newportmapping.lifetime;
}

}  // namespace sds::swarm
