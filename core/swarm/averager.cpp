#include "swarm/averager.h"

#include <cmath>
#include <stdexcept>

#include "swarm/averaging_messages.h"
#include "swarm/peer_server.h"
#include "swarm/reduction_round.h"
#include "swarm/secure_channel.h"
#include "swarm/tcp_stream.h"
#include "swarm/wire.h"
#include "util/log.h"

namespace sds::swarm {

bool RoundReport::allAveraged() const {
  for (const PartOutcome& p : parts) {
    if (!p.averaged) return false;
  }
  return true;
}

Averager::Averager(const Identity& identity, const RunKey& run, PeerServer* server, AveragerOptions options)
    : identity_(identity), run_(run), server_(server), options_(options) {
  if (options_.auxiliary && !server_) throw std::invalid_argument("an auxiliary peer must accept connections");
  if (server_) {
    server_->setHandler(kPartMessage, [this](SecureChannel& channel, const Bytes& first) { serveParts(channel, first); });
  }
}

Averager::~Averager() {
  stopping_ = true;
  {
    std::lock_guard<std::mutex> lock(roundsMutex_);
    for (auto& [hash, round] : rounds_) round->changed.notify_all();
  }
  roundsChanged_.notify_all();
  if (server_) server_->removeHandler(kPartMessage);
}

GroupMember Averager::member(double bandwidth) const {
  GroupMember m;
  m.id = identity_.id();
  m.host = server_ ? server_->host() : std::string();
  m.port = server_ ? server_->publicPort() : 0;
  m.clientMode = server_ == nullptr;
  m.auxiliary = options_.auxiliary;
  m.bandwidth = bandwidth;
  return m;
}

std::shared_ptr<ReductionRound> Averager::waitForRound(const Key32& hash, std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(roundsMutex_);
  std::shared_ptr<ReductionRound> round;
  roundsChanged_.wait_for(lock, wait, [&] {
    const auto it = rounds_.find(hash);
    if (it != rounds_.end()) round = it->second;
    return round != nullptr || stopping_;
  });
  return round;
}

// One incoming connection: a sender delivering its values for the part this peer reduces.
void Averager::serveParts(SecureChannel& channel, const Bytes& first) {
  const PeerId sender = channel.peer();
  const std::string who = "peer " + shortName(sender) + " (" + channel.remoteAddress() + ")";
  std::shared_ptr<ReductionRound> round;
  try {
    const Deadline firstDeadline = Clock::now() + options_.earlyPartWait;
    const std::optional<Key32> group = peekGroup(first);
    if (!group) throw WireError("a message too short to be a part");
    round = waitForRound(*group, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::max(Clock::duration::zero(), firstDeadline - Clock::now())));
    if (!round) {
      channel.send(asView(encodeRefusal(*group, "this peer is not in that round")), Clock::now() + std::chrono::seconds(2));
      return;
    }
    AveragingMessage message = decodeAveragingMessage(first);
    auto* chunk = std::get_if<PartChunk>(&message);
    if (!chunk) throw WireError("expected a part, got another message");
    ReductionRound& r = *round;
    {
      std::lock_guard<std::mutex> lock(r.mutex);
      const GroupMember* member = r.plan.member(sender);
      if (!member || sender == identity_.id()) throw WireError("the sender is not a member of the group");
      if (member->auxiliary) throw WireError("an auxiliary member has no values to send");
      auto& delivery = r.deliveries[sender];
      if (delivery.busy || delivery.filled > 0 || r.reduced) throw WireError("a second delivery of the same part");
      delivery.busy = true;
      delivery.weight = chunk->weight;
      delivery.values.resize(r.part.length);
    }
    // Chunks in order until the part is complete; each checked against the plan.
    for (;;) {
      std::unique_lock<std::mutex> lock(r.mutex);
      auto& delivery = r.deliveries[sender];
      if (r.reduced) throw WireError("the part arrived after the reduction");
      if (chunk->group != r.plan.hash) throw WireError("a chunk of another round");
      if (chunk->weight != delivery.weight) throw WireError("the weight changed between chunks");
      if (chunk->offset != r.part.offset + delivery.filled ||
          chunk->values.size() > r.part.length - delivery.filled) {
        throw WireError("a chunk at offset " + std::to_string(chunk->offset) + " of " +
                        std::to_string(chunk->values.size()) + " values does not fit the part at " +
                        std::to_string(r.part.offset) + " of " + std::to_string(r.part.length));
      }
      std::copy(chunk->values.begin(), chunk->values.end(), delivery.values.begin() + static_cast<long>(delivery.filled));
      delivery.filled += chunk->values.size();
      if (delivery.filled == r.part.length) {
        delivery.busy = false;
        r.changed.notify_all();
        break;
      }
      const Deadline collect = r.collectDeadline;
      lock.unlock();
      Bytes next = channel.receive(kMaxAveragingMessageBytes, collect);
      message = decodeAveragingMessage(next);
      chunk = std::get_if<PartChunk>(&message);
      if (!chunk) throw WireError("expected the next chunk of the part");
    }
    // The result, once reduced.
    std::unique_lock<std::mutex> lock(r.mutex);
    r.changed.wait_until(lock, r.deadline, [&] { return r.reduced || stopping_; });
    if (!r.reduced) return;
    if (r.contributors == 0) {
      lock.unlock();
      channel.send(asView(encodeRefusal(r.plan.hash, "no values reached this reducer")), r.deadline);
      return;
    }
    const bool included = r.deliveries[sender].filled == r.part.length && r.deliveries[sender].weight > 0;
    const std::vector<float>& result = r.result;  // fixed once reduced: every connection sends it, none copies it
    const std::uint32_t contributors = r.contributors;
    const Deadline deadline = r.deadline;
    const Key32 hash = r.plan.hash;
    const std::size_t offset = r.part.offset;
    ++r.answering;
    lock.unlock();
    try {
      if (!included) {
        channel.send(asView(encodeRefusal(hash, "your part came too late")), deadline);
      } else {
        for (std::size_t at = 0; at < result.size();) {
          const ChunkPlan chunk = planChunk(r.options, offset + at, offset + result.size());
          channel.send(asView(encodeResult(hash, offset + at, contributors, result.data() + at,
                                           static_cast<std::uint32_t>(chunk.count), chunk.compression)),
                       deadline);
          at += chunk.count;
        }
      }
    } catch (const std::exception& e) {
      log::warn("swarm: the result did not reach " + who + ": " + e.what());
    }
    std::lock_guard<std::mutex> stats(r.mutex);
    --r.answering;
    r.bytesSent += channel.bytesSent();
    r.bytesReceived += channel.bytesReceived();
    r.changed.notify_all();
  } catch (const std::exception& e) {
    log::warn("swarm: " + who + " is left out of this round: " + e.what());
    if (round) {
      std::lock_guard<std::mutex> lock(round->mutex);
      if (round->plan.member(sender) && sender != identity_.id() && !round->reduced) {
        // Its values are not used; a refused sender counts as answered, so the reducer need not wait.
        ReductionRound::Delivery& d = round->deliveries[sender];
        d.weight = 0;
        d.filled = round->part.length;
        d.busy = false;
      }
      round->exclude(sender, who + ": " + e.what());
      round->changed.notify_all();
      try {
        channel.send(asView(encodeRefusal(round->plan.hash, e.what())), Clock::now() + std::chrono::seconds(2));
      } catch (const std::exception&) {
      }
    }
  }
}

}  // namespace sds::swarm
