#pragma once
// The swarm's progress as every peer can compute it from the published records (hivemind's progress
// tracker): which epoch the swarm is on, how many samples its peers have accumulated towards the
// target batch, how fast, and so when the next averaging round is due.

#include <cstdint>
#include <vector>

#include "swarm/peer_record.h"

namespace sds::swarm {

struct SwarmProgress {
  std::uint64_t epoch = 0;              // the newest epoch any peer is on
  double samplesAccumulated = 0;        // by the peers on that epoch, extrapolated to now
  double samplesPerSecond = 0;          // of all live peers
  std::size_t peersOnEpoch = 0;
  std::size_t peersBehind = 0;          // on an older epoch: they will download the state
  bool targetReached = false;
  double secondsToTarget = 0;           // 0 once reached; infinity when nobody is training
};

// The round this peer last averaged in: its members moved on to `epoch` when it ended.
struct FinishedRound {
  std::vector<PeerId> members;
  std::uint64_t epoch = 0;    // the epoch after the round
  std::uint64_t endedAtMs = 0;
};

// `records`: the live peers' records (expired ones already dropped), this peer's included. A member
// of `lastRound` whose record still shows the epoch before it was issued before the round ended: its
// new record is on its way, so it counts as on the new epoch, accumulating at its rate since the
// round's end (without this, every peer would see the others' samples a record late and overshoot
// the target batch by a local step).
SwarmProgress computeProgress(const std::vector<PeerRecord>& records, std::uint64_t targetBatchSize,
                              std::uint64_t nowMs, const FinishedRound& lastRound = {});

}  // namespace sds::swarm
