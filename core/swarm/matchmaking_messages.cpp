#include "swarm/matchmaking_messages.h"

#include <cmath>

#include "swarm/wire.h"

namespace sds::swarm {

namespace {

constexpr std::size_t kMaxHostBytes = 255;
constexpr std::size_t kMaxReasonBytes = 512;

void writeMember(ByteWriter& w, const GroupMember& m, bool withId) {
  if (withId) w.raw(m.id);
  w.u8(memberMode(m));
  w.bytes(std::string_view(m.host).substr(0, kMaxHostBytes));
  w.u16(m.port);
  w.f64(m.bandwidth);
}

GroupMember readMember(ByteReader& r, const PeerId* id) {
  GroupMember m;
  m.id = id ? *id : r.fixed<32>("member id");
  readMode(r, m.clientMode, m.auxiliary);
  m.host = std::string(r.bytes(kMaxHostBytes, "host"));
  m.port = r.u16("port");
  m.bandwidth = r.f64("bandwidth");
  if (!std::isfinite(m.bandwidth) || m.bandwidth <= 0) throw WireError("a bandwidth that is not a positive number");
  if (!m.clientMode && (m.host.empty() || m.port == 0)) {
    throw WireError("a member that accepts connections needs a host and a port");
  }
  return m;
}

}  // namespace

Bytes encodeJoin(const JoinRequest& join) {
  ByteWriter w;
  w.u8(kJoinMessage);
  w.u64(join.epoch);
  w.u32(join.waitMs);
  writeMember(w, join.member, false);
  return w.take();
}

Bytes encodeAccept(std::uint64_t epoch) {
  ByteWriter w;
  w.u8(kAcceptMessage);
  w.u64(epoch);
  return w.take();
}

Bytes encodeBegin(std::uint64_t epoch, const Group& group) {
  ByteWriter w;
  w.u8(kBeginMessage);
  w.u64(epoch);
  w.raw(group.roundId);
  w.u16(static_cast<std::uint16_t>(group.members.size()));
  for (const GroupMember& m : group.members) writeMember(w, m, true);
  return w.take();
}

Bytes encodeDecline(const std::string& reason) {
  ByteWriter w;
  w.u8(kDeclineMessage);
  w.bytes(std::string_view(reason).substr(0, kMaxReasonBytes));
  return w.take();
}

MatchmakingMessage decodeMatchmakingMessage(const Bytes& message, const PeerId& sender) {
  ByteReader r(message);
  const std::uint8_t type = r.u8("message type");
  switch (type) {
    case kJoinMessage: {
      JoinRequest join;
      join.epoch = r.u64("epoch");
      join.waitMs = r.u32("wait");
      join.member = readMember(r, &sender);
      r.expectEnd("join request");
      return join;
    }
    case kAcceptMessage: {
      JoinAccepted accepted;
      accepted.epoch = r.u64("epoch");
      r.expectEnd("acceptance");
      return accepted;
    }
    case kBeginMessage: {
      GroupBegins begins;
      begins.epoch = r.u64("epoch");
      begins.group.roundId = r.fixed<32>("round id");
      const std::uint16_t count = r.u16("member count");
      if (count == 0 || count > kMaxGroupSize) {
        throw WireError("a group of " + std::to_string(count) + " members (1 to " + std::to_string(kMaxGroupSize) +
                        " allowed)");
      }
      for (std::uint16_t i = 0; i < count; ++i) begins.group.members.push_back(readMember(r, nullptr));
      r.expectEnd("group");
      return begins;
    }
    case kDeclineMessage: {
      JoinDeclined declined;
      declined.reason = std::string(r.bytes(kMaxReasonBytes, "reason"));
      r.expectEnd("decline");
      return declined;
    }
    default:
      throw WireError("unknown matchmaking message type " + std::to_string(type));
  }
}

}  // namespace sds::swarm
