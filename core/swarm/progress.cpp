#include "swarm/progress.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

namespace sds::swarm {

namespace {

// A round member's record from before the round, as the record it has published since would read.
PeerRecord afterTheRound(PeerRecord r, const FinishedRound& round) {
  if (round.epoch == 0 || r.epoch + 1 != round.epoch || r.issuedAtMs >= round.endedAtMs) return r;
  if (std::find(round.members.begin(), round.members.end(), r.peer) == round.members.end()) return r;
  r.epoch = round.epoch;
  r.samples = 0;
  r.issuedAtMs = round.endedAtMs;
  return r;
}

}  // namespace

std::optional<std::uint64_t> swarmEpochOf(const std::vector<PeerRecord>& records) {
  struct Support {
    double samplesPerSecond = 0;
    std::size_t peers = 0;
  };
  std::map<std::uint64_t, Support> byEpoch;
  for (const PeerRecord& r : records) {
    if (r.auxiliary) continue;  // it trains nothing
    byEpoch[r.epoch].samplesPerSecond += r.samplesPerSecond;
    ++byEpoch[r.epoch].peers;
  }
  std::optional<std::uint64_t> best;
  Support bestSupport;
  for (const auto& [epoch, support] : byEpoch) {  // oldest first: a tie goes to the newer
    if (best && std::make_pair(support.samplesPerSecond, support.peers) <
                    std::make_pair(bestSupport.samplesPerSecond, bestSupport.peers))
      continue;
    best = epoch;
    bestSupport = support;
  }
  return best;
}

SwarmProgress computeProgress(const std::vector<PeerRecord>& published, std::uint64_t targetBatchSize,
                              std::uint64_t nowMs, const FinishedRound& lastRound,
                              std::optional<std::uint64_t> ownEpoch) {
  SwarmProgress progress;
  std::vector<PeerRecord> records;
  records.reserve(published.size());
  for (const PeerRecord& r : published) records.push_back(afterTheRound(r, lastRound));
  progress.epoch = swarmEpochOf(records).value_or(0);
  if (ownEpoch && *ownEpoch == progress.epoch + 1) progress.epoch = *ownEpoch;
  for (const PeerRecord& r : records) {
    progress.samplesPerSecond += r.samplesPerSecond;
    if (r.epoch != progress.epoch) {
      ++progress.peersElsewhere;
      continue;
    }
    ++progress.peersOnEpoch;
    // A peer goes on accumulating after it published: count what it has added since, at its rate.
    const double since = nowMs > r.issuedAtMs ? static_cast<double>(nowMs - r.issuedAtMs) / 1000.0 : 0.0;
    progress.samplesAccumulated += static_cast<double>(r.samples) + since * r.samplesPerSecond;
  }
  const double missing = static_cast<double>(targetBatchSize) - progress.samplesAccumulated;
  progress.targetReached = missing <= 0 && !records.empty();
  if (progress.targetReached) {
    progress.secondsToTarget = 0;
  } else if (progress.samplesPerSecond > 0) {
    progress.secondsToTarget = missing / progress.samplesPerSecond;
  } else {
    progress.secondsToTarget = std::numeric_limits<double>::infinity();
  }
  return progress;
}

}  // namespace sds::swarm
