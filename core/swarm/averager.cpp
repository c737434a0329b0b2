#include "swarm/averager.h"

#include <cmath>
#include <stdexcept>

#include "swarm/averaging_messages.h"
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

Averager::Averager(Identity identity, RunKey run, AveragerOptions options)
    : identity_(std::move(identity)), run_(std::move(run)), options_(std::move(options)) {
  if (!options_.clientMode) {
    listener_ = std::make_unique<TcpListener>(options_.listenHost, options_.listenPort);
    port_ = listener_->port();
    listenThread_ = std::thread([this] { listen(); });
  }
}

Averager::~Averager() {
  stopping_ = true;
  roundsChanged_.notify_all();
  if (listenThread_.joinable()) listenThread_.join();
  reapHandlers(true);
}

GroupMember Averager::member(double bandwidth) const {
  GroupMember m;
  m.id = identity_.id();
  m.host = options_.clientMode ? std::string() : options_.listenHost;
  m.port = port_;
  m.clientMode = options_.clientMode;
  m.bandwidth = bandwidth;
  return m;
}

void Averager::listen() {
  while (!stopping_) {
    std::optional<TcpStream> stream = listener_->accept(std::chrono::milliseconds(100));
    reapHandlers(false);
    if (!stream) continue;
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread handler([this, s = std::move(*stream), done]() mutable {
      serve(std::move(s));
      *done = true;
    });
    std::lock_guard<std::mutex> lock(handlersMutex_);
    handlers_.emplace_back(std::move(handler), done);
  }
}

void Averager::reapHandlers(bool all) {
  std::lock_guard<std::mutex> lock(handlersMutex_);
  for (auto it = handlers_.begin(); it != handlers_.end();) {
    if (all || *it->second) {
      it->first.join();
      it = handlers_.erase(it);
    } else {
      ++it;
    }
  }
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
void Averager::serve(TcpStream stream) {
  const std::string from = stream.remoteAddress();
  std::unique_ptr<SecureChannel> channel;
  try {
    channel = SecureChannel::accept(std::move(stream), identity_, run_, Clock::now() + options_.handshakeTimeout);
  } catch (const std::exception& e) {
    log::warn("swarm: refused a connection from " + from + ": " + e.what());
    return;
  }
  const PeerId sender = channel->peer();
  const std::string who = "peer " + shortName(sender) + " (" + from + ")";
  std::shared_ptr<ReductionRound> round;
  try {
    const Deadline firstDeadline = Clock::now() + options_.earlyPartWait;
    Bytes first = channel->receive(kMaxAveragingMessageBytes, firstDeadline);
    const std::optional<Key32> group = peekGroup(first);
    if (!group) throw WireError("a message too short to be a part");
    round = waitForRound(*group, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::max(Clock::duration::zero(), firstDeadline - Clock::now())));
    if (!round) {
      channel->send(asView(encodeRefusal(*group, "this peer is not in that round")), Clock::now() + std::chrono::seconds(2));
      return;
    }
    AveragingMessage message = decodeAveragingMessage(first);
    auto* chunk = std::get_if<PartChunk>(&message);
    if (!chunk) throw WireError("expected a part, got another message");
    ReductionRound& r = *round;
    {
      std::lock_guard<std::mutex> lock(r.mutex);
      if (!r.plan.member(sender) || sender == identity_.id()) throw WireError("the sender is not a member of the group");
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
      Bytes next = channel->receive(kMaxAveragingMessageBytes, collect);
      message = decodeAveragingMessage(next);
      chunk = std::get_if<PartChunk>(&message);
      if (!chunk) throw WireError("expected the next chunk of the part");
    }
    // The result, once reduced.
    std::unique_lock<std::mutex> lock(r.mutex);
    r.changed.wait_until(lock, r.deadline, [&] { return r.reduced || stopping_; });
    if (!r.reduced) return;
    const bool included = r.deliveries[sender].filled == r.part.length && r.deliveries[sender].weight > 0;
    const std::vector<float> result = r.result;
    const std::uint32_t contributors = r.contributors;
    const Deadline deadline = r.deadline;
    const Key32 hash = r.plan.hash;
    const std::size_t offset = r.part.offset;
    ++r.answering;
    lock.unlock();
    try {
      if (!included) {
        channel->send(asView(encodeRefusal(hash, "your part came too late")), deadline);
      } else {
        for (std::size_t at = 0; at < result.size(); at += kChunkValues) {
          const auto count = static_cast<std::uint32_t>(std::min<std::size_t>(kChunkValues, result.size() - at));
          channel->send(asView(encodeResult(hash, offset + at, contributors, result.data() + at, count,
                                            r.options.compression)),
                        deadline);
        }
      }
    } catch (const std::exception& e) {
      log::warn("swarm: the result did not reach " + who + ": " + e.what());
    }
    std::lock_guard<std::mutex> stats(r.mutex);
    --r.answering;
    r.bytesSent += channel->bytesSent();
    r.bytesReceived += channel->bytesReceived();
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
        channel->send(asView(encodeRefusal(round->plan.hash, e.what())), Clock::now() + std::chrono::seconds(2));
      } catch (const std::exception&) {
      }
    }
  }
}

}  // namespace sds::swarm
