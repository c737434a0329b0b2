#pragma once
// Requests to the dataset server and its answers carry a keyed BLAKE2b under the run key's data key,
// so only peers of the run can lease and download, and a peer knows an answer comes whole from the
// run's server (a truncated or altered transfer fails the check). The data themselves travel in the
// clear; the request tag includes the time, so a recorded request is refused after a few minutes.

#include <cstdint>
#include <string>
#include <string_view>

#include "swarm/crypto.h"

namespace sds::served {

inline constexpr const char* kAuthHeader = "X-SDS-Auth";      // "<unix seconds>.<hex tag>" on requests
inline constexpr const char* kDigestHeader = "X-SDS-Digest";  // "<hex tag>" on answers
inline constexpr std::int64_t kRequestWindowSeconds = 300;   // clocks of peer and server may differ this much

// Seconds since 1970 on this computer's clock, as the tags carry them.
std::int64_t unixSeconds();

// The header value for a request of `method` to `target` (path and query) with `body`, made at `now`.
std::string requestTag(const swarm::Key32& key, std::string_view method, std::string_view target,
                       std::string_view body, std::int64_t now);

// Empty when the header proves the request; otherwise why not (for the 401 answer).
std::string checkRequestTag(const swarm::Key32& key, std::string_view header, std::string_view method,
                            std::string_view target, std::string_view body, std::int64_t now);

// The digest header of an answer with `body` to a request of `target`.
std::string answerTag(const swarm::Key32& key, std::string_view target, std::string_view body);
bool answerTagMatches(const swarm::Key32& key, std::string_view header, std::string_view target, std::string_view body);

}  // namespace sds::served
