#pragma once
// The swarm's progress as every peer can compute it from the published records (hivemind's progress
// tracker): which epoch the swarm is on, how many samples its peers have accumulated towards the
// target batch, how fast, and so when the next averaging round is due.

#include <cstdint>
#include <optional>
#include <vector>

#include "swarm/peer_record.h"

namespace sds::swarm {

struct SwarmProgress {
  std::uint64_t epoch = 0;              // the swarm's epoch (swarmEpochOf), or this peer's one ahead of it
  double samplesAccumulated = 0;        // by the peers on that epoch, extrapolated to now
  double samplesPerSecond = 0;          // of all live peers
  std::size_t peersOnEpoch = 0;
  std::size_t peersElsewhere = 0;       // on another epoch: behind (or far ahead), they take the state
  bool targetReached = false;
  double secondsToTarget = 0;           // 0 once reached; infinity when nobody is training
};

// The round this peer last averaged in: its members moved on to `epoch` when it ended.
struct FinishedRound {
  std::vector<PeerId> members;
  std::uint64_t epoch = 0;    // the epoch after the round
  std::uint64_t endedAtMs = 0;
};

// The epoch the swarm trains on: the one whose peers together carry the most samples/s (then the
// most peers, then the newest). Not simply the newest: a peer that found none of the others trains
// alone and runs ahead of them, and it is the one that must take the swarm's state, not the swarm
// its. Auxiliary peers train nothing and do not count. Nothing when no peer trains.
std::optional<std::uint64_t> swarmEpochOf(const std::vector<PeerRecord>& records);

// `records`: the live peers' records (expired ones already dropped), this peer's included. A member
// of `lastRound` whose record still shows the epoch before it was issued before the round ended: its
// new record is on its way, so it counts as on the new epoch, accumulating at its rate since the
// round's end (without this, every peer would see the others' samples a record late and overshoot
// the target batch by a local step). `ownEpoch`, this peer's: when it is one past the swarm's epoch
// (its group stepped while another group of the epoch is still accumulating) progress is measured on
// it, the epoch the peer works towards.
SwarmProgress computeProgress(const std::vector<PeerRecord>& records, std::uint64_t targetBatchSize,
                              std::uint64_t nowMs, const FinishedRound& lastRound = {},
                              std::optional<std::uint64_t> ownEpoch = std::nullopt);

}  // namespace sds::swarm
