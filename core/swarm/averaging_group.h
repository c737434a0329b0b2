#pragma once
// A group of peers averaging together in one round, and how the flat vector of values is cut into
// parts: one part per member that accepts connections (client-mode members reduce none), sized by
// the members' bandwidth. Every member computes the same plan from the same group.

#include <cstdint>
#include <string>
#include <vector>

#include "swarm/identity.h"

namespace sds::swarm {

class ByteReader;

struct GroupMember {
  PeerId id{};
  std::string host;
  std::uint16_t port = 0;
  bool clientMode = false;  // accepts no connections: sends its parts, reduces none
  bool auxiliary = false;   // contributes no values: reduces the others' parts only
  double bandwidth = 1.0;  // relative; parts are sized in proportion
};

struct Group {
  Key32 roundId{};                    // agreed by matchmaking; unique per round
  std::vector<GroupMember> members;   // any order; the plan sorts by id
};

struct PartRange {
  PeerId reducer{};
  std::size_t offset = 0;
  std::size_t length = 0;
};

struct GroupPlan {
  std::vector<GroupMember> members;  // sorted by id
  std::vector<PartRange> parts;      // in member order, reducers only
  Key32 hash{};                      // round id, members and total length: both ends of a part must agree
  std::size_t total = 0;

  const GroupMember* member(const PeerId& id) const;
  // The part this peer reduces, or nullptr for a client-mode member.
  const PartRange* partOf(const PeerId& id) const;
};

// How a peer's mode travels (in records, matchmaking and the group hash): 0 full, 1 client mode,
// 2 auxiliary.
std::uint8_t modeByte(bool clientMode, bool auxiliary);
inline std::uint8_t memberMode(const GroupMember& m) { return modeByte(m.clientMode, m.auxiliary); }
// Reads a mode byte; WireError for any other value.
void readMode(ByteReader& r, bool& clientMode, bool& auxiliary);

// Throws std::invalid_argument for an empty group, duplicate members, a group without a reducer, or a
// bandwidth that is not a positive finite number.
GroupPlan planGroup(const Group& group, std::size_t totalValues);

}  // namespace sds::swarm
