// Averager::average: this peer's round, as a sender of its parts and as the reducer of its own.

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "swarm/averager.h"
#include "swarm/averaging_messages.h"
#include "swarm/reduction_round.h"
#include "swarm/secure_channel.h"
#include "swarm/wire.h"
#include "util/log.h"

namespace sds::swarm {

namespace {

struct SentPart {
  PartOutcome outcome;
  std::vector<float> result;
  std::uint64_t bytesSent = 0;
  std::uint64_t bytesReceived = 0;
};

// Sends this peer's values of one part to its reducer and takes the result back.
void exchangePart(const GroupPlan& plan, const GroupMember& reducer, const std::vector<float>& values, double weight,
                  const Identity& self, const RunKey& run, const RoundOptions& options, Deadline deadline,
                  std::atomic<bool>& firstSent, SentPart& out) {
  const PartRange& part = *plan.partOf(reducer.id);
  std::unique_ptr<SecureChannel> channel;
  try {
    channel = SecureChannel::connect(reducer.host, reducer.port, self, run, deadline, reducer.id);
    for (std::size_t at = part.offset; at < part.offset + part.length;) {
      const ChunkPlan chunk = planChunk(options, at, part.offset + part.length);
      channel->send(asView(encodePart(plan.hash, at, weight, values.data() + at, static_cast<std::uint32_t>(chunk.count),
                                      chunk.compression)),
                    deadline);
      at += chunk.count;
    }
    if (options.onStage && !firstSent.exchange(true)) options.onStage(RoundStage::FirstPartSent);
    out.result.resize(part.length);
    std::size_t filled = 0;
    while (filled < part.length) {
      const AveragingMessage message = decodeAveragingMessage(channel->receive(kMaxAveragingMessageBytes, deadline));
      if (const auto* refusal = std::get_if<Refusal>(&message)) throw WireError("refused: " + refusal->reason);
      const auto* chunk = std::get_if<ResultChunk>(&message);
      if (!chunk) throw WireError("expected a result");
      if (chunk->group != plan.hash || chunk->offset != part.offset + filled ||
          chunk->values.size() > part.length - filled) {
        throw WireError("a result chunk that does not fit the part");
      }
      if (chunk->contributors == 0 || chunk->contributors > plan.members.size()) {
        throw WireError("a result of " + std::to_string(chunk->contributors) + " contributors");
      }
      std::copy(chunk->values.begin(), chunk->values.end(), out.result.begin() + static_cast<long>(filled));
      filled += chunk->values.size();
      out.outcome.contributors = chunk->contributors;
    }
    out.outcome.averaged = true;
  } catch (const std::exception& e) {
    out.outcome.error = e.what();
    out.result.clear();
  }
  if (channel) {
    out.bytesSent = channel->bytesSent();
    out.bytesReceived = channel->bytesReceived();
    channel->close();
  }
}

}  // namespace

ChunkPlan planChunk(const RoundOptions& options, std::size_t at, std::size_t end) {
  ChunkPlan chunk;
  chunk.count = std::min<std::size_t>(end - at, kChunkValues);
  chunk.compression = options.compression;
  if (options.tensorSizes.empty()) return chunk;
  std::size_t tensorStart = 0;
  for (std::size_t size : options.tensorSizes) {
    if (at < tensorStart + size) {
      chunk.count = std::min(chunk.count, tensorStart + size - at);
      if (size < options.compressAbove) chunk.compression = Compression::None;
      return chunk;
    }
    tensorStart += size;
  }
  return chunk;  // beyond the listed tensors: as if they were one
}

RoundReport Averager::average(const Group& group, std::vector<float>& values, double weight,
                              const RoundOptions& options) {
  const Clock::time_point start = Clock::now();
  const Deadline deadline = start + options.timeout;
  if (!auxiliary() && (!std::isfinite(weight) || weight <= 0)) throw std::invalid_argument("the weight must be a positive number");
  for (float v : values) {
    if (!std::isfinite(v)) throw std::invalid_argument("the values to average include NaN or infinity");
  }
  if (!options.tensorSizes.empty()) {
    std::size_t total = 0;
    for (std::size_t size : options.tensorSizes) total += size;
    if (total != values.size()) {
      throw std::invalid_argument("the tensor sizes add up to " + std::to_string(total) + " values, not " +
                                  std::to_string(values.size()));
    }
  }
  const GroupPlan plan = planGroup(group, values.size());
  const GroupMember* me = plan.member(identity_.id());
  if (!me) throw std::invalid_argument("this peer is not a member of the group");
  if (me->clientMode != clientMode() || me->auxiliary != auxiliary()) {
    throw std::invalid_argument("the group lists this peer's mode wrongly");
  }
  const PartRange* myPart = plan.partOf(identity_.id());

  std::shared_ptr<ReductionRound> round;
  if (myPart) {
    round = std::make_shared<ReductionRound>();
    round->plan = plan;
    round->part = *myPart;
    round->options = options;
    round->deadline = deadline;
    round->collectDeadline =
        start + std::chrono::duration_cast<Clock::duration>(options.timeout * std::clamp(options.collectShare, 0.1, 0.9));
    round->own.assign(values.begin() + static_cast<long>(myPart->offset),
                      values.begin() + static_cast<long>(myPart->offset + myPart->length));
    round->ownWeight = weight;
    std::lock_guard<std::mutex> lock(roundsMutex_);
    rounds_[plan.hash] = round;
  }
  roundsChanged_.notify_all();

  // Send each other reducer its part, in parallel.
  std::vector<SentPart> sent;
  for (const PartRange& part : plan.parts) {
    if (part.reducer == identity_.id()) continue;
    SentPart s;
    s.outcome.reducer = part.reducer;
    s.outcome.offset = part.offset;
    s.outcome.length = part.length;
    sent.push_back(std::move(s));
  }
  std::vector<std::thread> senders;
  std::atomic<bool> firstSent{false};
  for (SentPart& s : sent) {
    if (auxiliary()) {  // nothing to contribute, nothing to receive
      s.outcome.error = "an auxiliary peer sends no values";
      continue;
    }
    if (s.outcome.length == 0) {
      s.outcome.averaged = true;
      continue;
    }
    const GroupMember* reducer = plan.member(s.outcome.reducer);
    senders.emplace_back([&, reducer] {
      exchangePart(plan, *reducer, values, weight, identity_, run_, options, deadline, firstSent, s);
    });
  }

  RoundReport report;
  if (round) {
    // Reduce what arrived from the others (all of them, or what there is at the collect deadline).
    std::unique_lock<std::mutex> lock(round->mutex);
    std::size_t expected = 0;
    for (const GroupMember& m : plan.members) expected += (m.id != identity_.id() && !m.auxiliary) ? 1 : 0;
    if (round->part.length == 0) expected = 0;  // senders skip an empty part: nothing will come
    round->changed.wait_until(lock, round->collectDeadline,
                              [&] { return round->completeSenders() == expected || stopping_; });
    if (options.onStage) options.onStage(RoundStage::Reducing);
    std::vector<Contribution> contributions;
    if (!auxiliary()) contributions.push_back({round->own.data(), weight});
    for (auto& [id, delivery] : round->deliveries) {
      if (delivery.filled == round->part.length && delivery.weight > 0 && !delivery.busy) {
        contributions.push_back({delivery.values.data(), delivery.weight});
      } else if (delivery.weight > 0) {
        round->exclude(id, "peer " + shortName(id) + ": its part did not arrive in time");
        delivery.weight = 0;
      }
    }
    for (const GroupMember& m : plan.members) {
      if (m.id != identity_.id() && !m.auxiliary && round->part.length > 0 && !round->deliveries.count(m.id)) {
        round->exclude(m.id, "peer " + shortName(m.id) + ": sent nothing");
      }
    }
    round->result.resize(round->part.length);
    if (contributions.empty()) {
      round->result.clear();
    } else if (options.aggregation == Aggregation::CenteredClip) {
      centeredClip(contributions, round->part.length, round->result.data(), options.clip);
    } else {
      weightedMean(contributions, round->part.length, round->result.data());
    }
    round->contributors = static_cast<std::uint32_t>(contributions.size());
    round->reduced = true;
    round->changed.notify_all();
    PartOutcome own;
    own.reducer = identity_.id();
    own.offset = round->part.offset;
    own.length = round->part.length;
    own.averaged = !contributions.empty() && !auxiliary();
    own.contributors = round->contributors;
    if (auxiliary()) own.error = "an auxiliary peer keeps no values";
    report.parts.push_back(own);
  }
  for (std::thread& t : senders) t.join();

  if (round) {
    // Leave the round to the connections still sending results; they hold it until the deadline.
    std::unique_lock<std::mutex> lock(round->mutex);
    round->changed.wait_until(lock, deadline, [&] {
      for (const auto& [id, d] : round->deliveries) {
        if (d.busy) return false;
      }
      return round->answering == 0;
    });
    if (!auxiliary() && !round->result.empty()) {
      // The result as the others decode it, compression included: every member ends with the same
      // values (a swarm's peers keep equal weights).
      const std::size_t offset = round->part.offset, length = round->result.size();
      for (std::size_t at = 0; at < length;) {
        const ChunkPlan chunk = planChunk(options, offset + at, offset + length);
        const float* from = round->result.data() + at;
        float* to = values.data() + offset + at;
        if (chunk.compression == Compression::None) {
          std::copy(from, from + chunk.count, to);
        } else {
          const Compressed c = compress(from, chunk.count, chunk.compression);
          decompress(asView(c.payload), c.format, to, chunk.count);
        }
        at += chunk.count;
      }
    }
    report.excluded = round->excluded;
    report.bytesSent += round->bytesSent;
    report.bytesReceived += round->bytesReceived;
    lock.unlock();
    std::lock_guard<std::mutex> registry(roundsMutex_);
    rounds_.erase(plan.hash);
  }
  for (SentPart& s : sent) {
    if (s.outcome.averaged && !s.result.empty()) {
      std::copy(s.result.begin(), s.result.end(), values.begin() + static_cast<long>(s.outcome.offset));
    } else if (!s.outcome.averaged) {
      log::warn("swarm: values " + std::to_string(s.outcome.offset) + "+" + std::to_string(s.outcome.length) +
                " stay at this peer's own: " + s.outcome.error);
    }
    report.bytesSent += s.bytesSent;
    report.bytesReceived += s.bytesReceived;
    report.parts.push_back(s.outcome);
  }
  std::sort(report.parts.begin(), report.parts.end(),
            [](const PartOutcome& a, const PartOutcome& b) { return a.offset < b.offset; });
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace sds::swarm
