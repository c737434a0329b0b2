#pragma once
// Internal to the Averager: a round as the reducer of one part sees it, shared by the round's own
// thread and the connections delivering the other members' values.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "swarm/averager.h"
#include "swarm/tcp_stream.h"

namespace sds::swarm {

// A round as the reducer of one part sees it: what each sender has delivered, and the result.
struct ReductionRound {
  GroupPlan plan;
  PartRange part;
  RoundOptions options;
  Deadline collectDeadline;
  Deadline deadline;

  struct Delivery {
    std::vector<float> values;
    double weight = 0;
    std::size_t filled = 0;
    bool busy = false;  // a connection is delivering it
  };

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<float> own;
  double ownWeight = 0;
  std::map<PeerId, Delivery> deliveries;
  std::vector<std::string> excluded;  // one line per peer left out
  std::set<PeerId> excludedPeers;
  bool reduced = false;
  std::vector<float> result;
  std::uint32_t contributors = 0;
  std::uint64_t bytesSent = 0;
  std::uint64_t bytesReceived = 0;
  int answering = 0;  // connections sending the result

  void exclude(const PeerId& peer, const std::string& why) {
    if (excludedPeers.insert(peer).second) excluded.push_back(why);
  }

  std::size_t completeSenders() const {
    std::size_t n = 0;
    for (const auto& [id, d] : deliveries) n += (d.filled == part.length) ? 1 : 0;
    return n;
  }
};

}  // namespace sds::swarm
