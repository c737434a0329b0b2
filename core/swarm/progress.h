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

// `records`: the live peers' records (expired ones already dropped), this peer's included.
SwarmProgress computeProgress(const std::vector<PeerRecord>& records, std::uint64_t targetBatchSize,
                              std::uint64_t nowMs);

}  // namespace sds::swarm
