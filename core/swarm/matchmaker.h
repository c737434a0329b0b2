#pragma once
// Matchmaking: peers ready to average for an epoch form groups (docs/swarm-protocol.md,
// "Matchmaking"). Peers are ranked afresh each epoch (rankOf). Among the peers known to be looking,
// each asks the candidate leaders ranked before it, first first, to take it in; the first that
// accepts is its leader. A peer that every earlier candidate declines leads a group itself. A leader
// takes followers until its group is full, every known candidate has joined, or the matchmaking time
// is up, then tells each follower the group and a fresh round id. Waits only go towards earlier
// ranks, so no two peers wait on each other; new ranks each epoch make groups mix over rounds.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "swarm/averaging_group.h"
#include "swarm/identity.h"
#include "swarm/run_key.h"

namespace sds::swarm {

class PeerServer;
class SecureChannel;

// A peer's place in the order of matchmaking for an epoch: BLAKE2b("sds-swarm/v1/rank" ‖ epoch ‖ id).
Key32 rankOf(std::uint64_t epoch, const PeerId& peer);

struct MatchmakingOptions {
  std::chrono::milliseconds matchmakingTime{5'000};
  std::size_t maxGroupSize = 16;
  double bandwidth = 1.0;  // this peer's, relative; sizes its part
  bool auxiliary = false;  // this peer contributes no values (see AveragerOptions::auxiliary)
  // How long a follower waits for the group after the leader's matchmaking time.
  std::chrono::milliseconds beginGrace{3'000};
};

class Matchmaker {
 public:
  // Without a server the peer is in client mode: it joins groups but leads none.
  Matchmaker(const Identity& identity, const RunKey& run, PeerServer* server);
  ~Matchmaker();
  Matchmaker(const Matchmaker&) = delete;
  Matchmaker& operator=(const Matchmaker&) = delete;

  // Forms a group for `epoch` among `candidates` (peers known to be looking for it; this peer may be
  // among them). Nothing when no group of two or more formed: the peer tries again next round.
  std::optional<Group> formGroup(std::uint64_t epoch, const std::vector<GroupMember>& candidates,
                                 const MatchmakingOptions& options);

 private:
  enum class State { Idle, Undecided, Leading, Following, Closed };
  void serveJoin(SecureChannel& channel, const Bytes& first);
  std::optional<Group> follow(const GroupMember& leader, std::uint64_t epoch, const MatchmakingOptions& options,
                              std::chrono::steady_clock::time_point deadline, bool& declined);
  GroupMember self(const MatchmakingOptions& options) const;

  const Identity& identity_;
  const RunKey& run_;
  PeerServer* server_;

  std::mutex mutex_;
  std::condition_variable changed_;
  State state_ = State::Idle;
  std::uint64_t epoch_ = 0;
  std::size_t capacity_ = 0;                 // the leader's group size limit
  std::vector<GroupMember> followers_;       // while leading
  std::optional<Group> begun_;               // the leader's final group
  std::uint64_t generation_ = 0;             // one per formGroup call, so late handlers see it ended
  bool stopping_ = false;
};

}  // namespace sds::swarm
