#include "served_data/request_auth.h"

#include <charconv>
#include <chrono>

namespace sds::served {

namespace {

bool equalTags(std::string_view a, std::string_view b) {
  return a.size() == b.size() && swarm::equalConstantTime(reinterpret_cast<const std::uint8_t*>(a.data()),
                                                          reinterpret_cast<const std::uint8_t*>(b.data()), a.size());
}

std::string tagOf(const swarm::Key32& key, std::string_view method, std::string_view target, std::string_view body,
                  const std::string& time) {
  // Lengths first, so that no two different requests hash the same concatenation.
  const std::string lengths = std::to_string(method.size()) + "/" + std::to_string(target.size()) + "/" +
                              std::to_string(body.size()) + "/" + time;
  return swarm::toHex(swarm::hash32({"sds-data/v1/request", lengths, method, target, body}, &key));
}

}  // namespace

std::int64_t unixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string requestTag(const swarm::Key32& key, std::string_view method, std::string_view target,
                       std::string_view body, std::int64_t now) {
  const std::string time = std::to_string(now);
  return time + "." + tagOf(key, method, target, body, time);
}

std::string checkRequestTag(const swarm::Key32& key, std::string_view header, std::string_view method,
                            std::string_view target, std::string_view body, std::int64_t now) {
  const std::size_t dot = header.find('.');
  if (header.empty()) return "the request is not signed with the run key (no " + std::string(kAuthHeader) + " header)";
  std::int64_t time = 0;
  const std::string_view timeText = header.substr(0, dot);
  const auto [end, error] = std::from_chars(timeText.data(), timeText.data() + timeText.size(), time);
  if (dot == std::string_view::npos || error != std::errc() || end != timeText.data() + timeText.size())
    return "malformed " + std::string(kAuthHeader) + " header";
  if (time < now - kRequestWindowSeconds || time > now + kRequestWindowSeconds)
    return "the request's time is " + std::to_string(time - now) +
           " s off the server's clock (at most 300 s allowed; set the computer's clock)";
  if (!equalTags(header.substr(dot + 1), tagOf(key, method, target, body, std::string(timeText))))
    return "the request is not signed with this run's key";
  return {};
}

std::string answerTag(const swarm::Key32& key, std::string_view target, std::string_view body) {
  return swarm::toHex(swarm::hash32({"sds-data/v1/answer", std::to_string(body.size()), target, body}, &key));
}

bool answerTagMatches(const swarm::Key32& key, std::string_view header, std::string_view target, std::string_view body) {
  return equalTags(header, answerTag(key, target, body));
}

}  // namespace sds::served
