#include "swarm/matchmaker.h"

#include <algorithm>

#include "swarm/matchmaking_messages.h"
#include "swarm/peer_server.h"
#include "swarm/secure_channel.h"
#include "swarm/wire.h"
#include "util/log.h"

namespace sds::swarm {

namespace {

constexpr std::size_t kMaxMatchmakingMessageBytes = 64 + kMaxGroupSize * 320;
constexpr std::chrono::seconds kHandshakeTime{2};

}  // namespace

Key32 rankOf(std::uint64_t epoch, const PeerId& peer) {
  ByteWriter w;
  w.u64(epoch);
  return hash32({"sds-swarm/v1/rank", asView(w.data()), asView(peer)});
}

Matchmaker::Matchmaker(const Identity& identity, const RunKey& run, PeerServer* server)
    : identity_(identity), run_(run), server_(server) {
  if (server_) {
    server_->setHandler(kJoinMessage, [this](SecureChannel& channel, const Bytes& first) { serveJoin(channel, first); });
  }
}

Matchmaker::~Matchmaker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (server_) server_->removeHandler(kJoinMessage);
}

GroupMember Matchmaker::self(const MatchmakingOptions& options) const {
  GroupMember m;
  m.id = identity_.id();
  m.clientMode = server_ == nullptr;
  m.host = server_ ? server_->host() : std::string();
  m.port = server_ ? server_->publicPort() : 0;
  m.bandwidth = options.bandwidth;
  m.auxiliary = options.auxiliary && server_ != nullptr;
  return m;
}

std::optional<Group> Matchmaker::formGroup(std::uint64_t epoch, const std::vector<GroupMember>& candidates,
                                           const MatchmakingOptions& options) {
  const auto deadline = Clock::now() + options.matchmakingTime;
  // Candidates are ordered by a rank drawn afresh each epoch, so that groups mix from round to round.
  const Key32 myRank = rankOf(epoch, identity_.id());
  std::vector<std::pair<Key32, GroupMember>> leaders;
  std::size_t others = 0;
  for (const GroupMember& c : candidates) {
    if (c.id == identity_.id()) continue;
    ++others;
    const Key32 rank = rankOf(epoch, c.id);
    // A client follows anyone who accepts connections; others ask only those ranked before them.
    if (!c.clientMode && (server_ == nullptr || rank < myRank)) leaders.emplace_back(rank, c);
  }
  std::sort(leaders.begin(), leaders.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = State::Undecided;
    epoch_ = epoch;
    ++generation_;
    followers_.clear();
    begun_.reset();
    capacity_ = std::clamp<std::size_t>(options.maxGroupSize, 2, kMaxGroupSize);
  }
  changed_.notify_all();

  for (const auto& [rank, leader] : leaders) {
    if (Clock::now() >= deadline) break;
    bool declined = false;
    std::optional<Group> group = follow(leader, epoch, options, deadline, declined);
    if (!declined) {  // accepted: this is the round's outcome, a group or none
      std::lock_guard<std::mutex> lock(mutex_);
      state_ = State::Closed;
      changed_.notify_all();
      return group;
    }
  }
  if (server_ == nullptr) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = State::Closed;
    return std::nullopt;
  }

  // Lead: take followers until full, until every other candidate has joined, or until the time is up.
  std::unique_lock<std::mutex> lock(mutex_);
  state_ = State::Leading;
  changed_.notify_all();
  const std::size_t wanted = std::min(capacity_, others + 1);
  changed_.wait_until(lock, deadline, [&] { return followers_.size() + 1 >= wanted || stopping_; });
  Group group;
  group.roundId = randomKey();
  group.members.push_back(self(options));
  for (const GroupMember& f : followers_) group.members.push_back(f);
  begun_ = group;
  state_ = State::Closed;
  changed_.notify_all();
  if (group.members.size() < 2) return std::nullopt;
  return group;
}

std::optional<Group> Matchmaker::follow(const GroupMember& leader, std::uint64_t epoch,
                                        const MatchmakingOptions& options, Clock::time_point deadline,
                                        bool& declined) {
  declined = true;
  try {
    // A stopped or unreachable candidate costs at most the handshake's few seconds, not the round.
    const auto handshakeDeadline = std::min(deadline, Clock::now() + kHandshakeTime);
    auto channel = SecureChannel::connect(leader.host, leader.port, identity_, run_, handshakeDeadline, leader.id);
    JoinRequest join;
    join.epoch = epoch;
    join.waitMs = static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    join.member = self(options);
    channel->send(asView(encodeJoin(join)), deadline);
    const MatchmakingMessage answer =
        decodeMatchmakingMessage(channel->receive(kMaxMatchmakingMessageBytes, deadline), leader.id);
    if (const auto* no = std::get_if<JoinDeclined>(&answer)) {
      log::debug("swarm: peer " + shortName(leader.id) + " declined: " + no->reason);
      return std::nullopt;
    }
    const auto* yes = std::get_if<JoinAccepted>(&answer);
    if (!yes || yes->epoch != epoch) throw WireError("expected an acceptance for epoch " + std::to_string(epoch));
    declined = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      state_ = State::Following;
    }
    changed_.notify_all();  // peers waiting on this one learn that it leads no group
    const auto beginDeadline = Clock::now() + options.matchmakingTime + options.beginGrace;
    const MatchmakingMessage begin =
        decodeMatchmakingMessage(channel->receive(kMaxMatchmakingMessageBytes, beginDeadline), leader.id);
    const auto* group = std::get_if<GroupBegins>(&begin);
    if (!group || group->epoch != epoch) throw WireError("expected the group for epoch " + std::to_string(epoch));
    bool hasSelf = false, hasLeader = false;
    for (const GroupMember& m : group->group.members) {
      hasSelf |= m.id == identity_.id();
      hasLeader |= m.id == leader.id;
    }
    if (!hasSelf || !hasLeader) throw WireError("the group lacks this peer or its leader");
    planGroup(group->group, 0);  // duplicates and bad bandwidths throw here
    return group->group;
  } catch (const std::exception& e) {
    log::info("swarm: matchmaking with peer " + shortName(leader.id) + " failed: " + e.what());
    return std::nullopt;
  }
}

// A join request: accept it while leading for its epoch and there is room; decline otherwise. A
// request that comes while this peer is still deciding waits for the decision.
void Matchmaker::serveJoin(SecureChannel& channel, const Bytes& first) {
  const MatchmakingMessage message = decodeMatchmakingMessage(first, channel.peer());
  const auto* join = std::get_if<JoinRequest>(&message);
  if (!join) throw WireError("expected a join request");
  const auto requestDeadline = Clock::now() + std::chrono::milliseconds(std::min<std::uint32_t>(join->waitMs, 60'000));
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_until(lock, requestDeadline, [&] {
    return stopping_ || (epoch_ == join->epoch && state_ != State::Undecided && state_ != State::Idle) ||
           epoch_ > join->epoch;
  });
  std::string refusal;
  if (stopping_) refusal = "this peer is leaving";
  else if (epoch_ != join->epoch) refusal = "not matchmaking for round key " + std::to_string(join->epoch);
  else if (state_ != State::Leading) refusal = "not leading a group";
  else if (followers_.size() + 1 >= capacity_) refusal = "the group is full";
  if (!refusal.empty()) {
    lock.unlock();
    channel.send(asView(encodeDecline(refusal)), Clock::now() + std::chrono::seconds(2));
    return;
  }
  followers_.push_back(join->member);
  const std::uint64_t generation = generation_;
  changed_.notify_all();
  lock.unlock();
  channel.send(asView(encodeAccept(join->epoch)), requestDeadline);
  lock.lock();
  changed_.wait_until(lock, requestDeadline + std::chrono::seconds(2),
                      [&] { return begun_.has_value() || stopping_ || generation_ != generation; });
  if (!begun_ || generation_ != generation) return;  // the connection closes: no group for the follower
  const Group group = *begun_;
  lock.unlock();
  channel.send(asView(encodeBegin(join->epoch, group)), Clock::now() + std::chrono::seconds(5));
}

}  // namespace sds::swarm
