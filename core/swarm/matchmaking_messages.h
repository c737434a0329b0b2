#pragma once
// The messages of matchmaking (docs/swarm-protocol.md, "Matchmaking"): a peer asks a leader to take
// it into its group for an epoch; the leader accepts or declines, and once the group is complete
// tells every follower who is in it.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "swarm/averaging_group.h"
#include "swarm/crypto.h"

namespace sds::swarm {

constexpr std::uint8_t kJoinMessage = 16;
constexpr std::uint8_t kAcceptMessage = 17;
constexpr std::uint8_t kBeginMessage = 18;
constexpr std::uint8_t kDeclineMessage = 19;
constexpr std::size_t kMaxGroupSize = 256;

struct JoinRequest {
  std::uint64_t epoch = 0;
  std::uint32_t waitMs = 0;  // how long the leader may take to start matchmaking for that epoch
  GroupMember member;        // its id is the channel's peer, not sent
};
struct JoinAccepted {
  std::uint64_t epoch = 0;
};
struct GroupBegins {
  std::uint64_t epoch = 0;
  Group group;
};
struct JoinDeclined {
  std::string reason;
};

using MatchmakingMessage = std::variant<JoinRequest, JoinAccepted, GroupBegins, JoinDeclined>;

Bytes encodeJoin(const JoinRequest& join);
Bytes encodeAccept(std::uint64_t epoch);
Bytes encodeBegin(std::uint64_t epoch, const Group& group);
Bytes encodeDecline(const std::string& reason);

// `sender` is the channel's authenticated peer; it becomes the join request's member id. Throws
// WireError for anything malformed (a group over kMaxGroupSize, a bandwidth that is not a positive
// number, a member that accepts connections without a host and port, trailing bytes).
MatchmakingMessage decodeMatchmakingMessage(const Bytes& message, const PeerId& sender);

}  // namespace sds::swarm
