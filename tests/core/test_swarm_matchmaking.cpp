// Matchmaking between peers in one process over loopback: who leads, who follows, group sizes, late
// and foreign peers, and a round of averaging in the group that formed.

#include <QtTest>

#include <future>
#include <random>
#include <set>

#include "swarm/averager.h"
#include "swarm/matchmaker.h"
#include "swarm/matchmaking_messages.h"
#include "swarm/peer_server.h"
#include "swarm/wire.h"

using namespace sds::swarm;
using namespace std::chrono_literals;

namespace {

const RunKey& run() {
  static const RunKey key = RunKey::fromSecret("matchmaking test run key");
  return key;
}

struct Peer {
  explicit Peer(bool clientMode = false, const RunKey& key = run())
      : identity(Identity::generate()),
        server(clientMode ? nullptr : std::make_unique<PeerServer>(identity, key)),
        matchmaker(identity, key, server.get()),
        averager(identity, key, server.get()) {}
  GroupMember member() const { return averager.member(); }
  Identity identity;
  std::unique_ptr<PeerServer> server;
  Matchmaker matchmaker;
  Averager averager;
};

std::vector<std::unique_ptr<Peer>> makePeers(int n, int clients) {
  std::vector<std::unique_ptr<Peer>> peers;
  for (int i = 0; i < n; ++i) peers.push_back(std::make_unique<Peer>(i < clients));
  return peers;
}

std::vector<std::optional<Group>> matchAll(const std::vector<Peer*>& peers, const std::vector<GroupMember>& candidates,
                                           const MatchmakingOptions& options, std::uint64_t epoch = 1) {
  std::vector<std::future<std::optional<Group>>> running;
  for (Peer* p : peers) {
    running.push_back(std::async(std::launch::async, [=, &candidates, &options] {
      return p->matchmaker.formGroup(epoch, candidates, options);
    }));
  }
  std::vector<std::optional<Group>> groups;
  for (auto& f : running) groups.push_back(f.get());
  return groups;
}

std::vector<GroupMember> candidatesOf(const std::vector<std::unique_ptr<Peer>>& peers) {
  std::vector<GroupMember> candidates;
  for (const auto& p : peers) candidates.push_back(p->member());
  return candidates;
}

std::vector<Peer*> raw(const std::vector<std::unique_ptr<Peer>>& peers) {
  std::vector<Peer*> out;
  for (const auto& p : peers) out.push_back(p.get());
  return out;
}

std::set<PeerId> idsOf(const Group& g) {
  std::set<PeerId> ids;
  for (const GroupMember& m : g.members) ids.insert(m.id);
  return ids;
}

}  // namespace

class TestSwarmMatchmaking : public QObject {
  Q_OBJECT

 private slots:
  // A server listening on every address is named in groups by the address it publishes: another
  // machine connecting to 0.0.0.0 would reach itself.
  void groupsNameMembersByTheirPublishedAddress() {
    PeerServerOptions options;
    options.listenHost = "0.0.0.0";
    options.publicHost = "127.0.0.1";
    const Identity a = Identity::generate(), b = Identity::generate();
    PeerServer serverA(a, run(), options), serverB(b, run(), options);
    QCOMPARE(serverA.host(), std::string("127.0.0.1"));
    Matchmaker matchA(a, run(), &serverA), matchB(b, run(), &serverB);
    std::vector<GroupMember> candidates(2);
    candidates[0].id = a.id();
    candidates[1].id = b.id();
    candidates[0].port = serverA.port();
    candidates[1].port = serverB.port();
    for (GroupMember& m : candidates) m.host = "127.0.0.1";
    MatchmakingOptions matchmaking;
    matchmaking.matchmakingTime = std::chrono::seconds(3);
    auto groupA = std::async(std::launch::async, [&] { return matchA.formGroup(1, candidates, matchmaking); });
    auto groupB = std::async(std::launch::async, [&] { return matchB.formGroup(1, candidates, matchmaking); });
    for (const std::optional<Group>& g : {groupA.get(), groupB.get()}) {
      QVERIFY(g.has_value());
      QCOMPARE(g->members.size(), std::size_t{2});
      for (const GroupMember& m : g->members) QCOMPARE(m.host, std::string("127.0.0.1"));
    }
  }

  void messagesRoundTripAndRefuseNonsense() {
    const PeerId sender = Identity::generate().id();
    JoinRequest join;
    join.epoch = 9;
    join.waitMs = 1500;
    join.member.host = "10.0.0.7";
    join.member.port = 7000;
    join.member.bandwidth = 2.5;
    const auto back = std::get<JoinRequest>(decodeMatchmakingMessage(encodeJoin(join), sender));
    QCOMPARE(back.epoch, std::uint64_t{9});
    QCOMPARE(toHex(back.member.id), toHex(sender));  // the channel's peer, never a claimed id
    QCOMPARE(back.member.host, std::string("10.0.0.7"));
    join.member.bandwidth = -1;
    QVERIFY_THROWS_EXCEPTION(WireError, decodeMatchmakingMessage(encodeJoin(join), sender));
    join.member.bandwidth = 1;
    join.member.host.clear();
    QVERIFY_THROWS_EXCEPTION(WireError, decodeMatchmakingMessage(encodeJoin(join), sender));  // reachable needs a host
    Group empty;
    QVERIFY_THROWS_EXCEPTION(WireError, decodeMatchmakingMessage(encodeBegin(1, empty), sender));
    Bytes begin = encodeBegin(1, Group{randomKey(), {join.member}});
    begin.push_back(1);
    QVERIFY_THROWS_EXCEPTION(WireError, decodeMatchmakingMessage(begin, sender));
    begin = encodeBegin(1, Group{randomKey(), {join.member}});
    begin[41] = 0xff;  // member count 0xff01: more members than the message holds
    begin[42] = 0xff;
    QVERIFY_THROWS_EXCEPTION(WireError, decodeMatchmakingMessage(begin, sender));
  }

  void everyoneJoinsOneGroupWhenItFits() {
    const auto peers = makePeers(5, 1);
    const std::vector<GroupMember> candidates = candidatesOf(peers);
    MatchmakingOptions options;
    options.matchmakingTime = 5s;
    const auto started = Clock::now();
    const auto groups = matchAll(raw(peers), candidates, options);
    QVERIFY2(Clock::now() - started < 4s, "the leader should begin as soon as every candidate has joined");
    for (const auto& g : groups) {
      QVERIFY(g.has_value());
      QCOMPARE(g->members.size(), std::size_t{5});
      QCOMPARE(toHex(g->roundId), toHex(groups[0]->roundId));
    }
  }

  void groupsRespectTheirSizeLimit() {
    const auto peers = makePeers(7, 1);
    const std::vector<GroupMember> candidates = candidatesOf(peers);
    MatchmakingOptions options;
    options.matchmakingTime = 3s;
    options.maxGroupSize = 3;
    const auto groups = matchAll(raw(peers), candidates, options);
    std::map<Key32, std::set<PeerId>> byRound;
    int grouped = 0;
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if (!groups[i]) continue;
      ++grouped;
      QVERIFY(groups[i]->members.size() <= 3);
      QVERIFY(idsOf(*groups[i]).count(peers[i]->identity.id()));
      auto [it, fresh] = byRound.emplace(groups[i]->roundId, idsOf(*groups[i]));
      if (!fresh) QVERIFY(it->second == idsOf(*groups[i]));  // members of one round agree on it
    }
    std::set<PeerId> seen;
    for (const auto& [round, ids] : byRound) {
      for (const PeerId& id : ids) QVERIFY2(seen.insert(id).second, "a peer is in two groups");
    }
    QVERIFY2(grouped >= 6, qPrintable(QString("%1 of 7 peers found a group").arg(grouped)));
  }

  void peersOfAnotherRunAreNotGroupedWith() {
    const RunKey other = RunKey::fromSecret("someone else's run");
    auto peers = makePeers(3, 0);
    Peer stranger(false, other);
    std::vector<GroupMember> candidates{stranger.member()};
    for (const auto& p : peers) candidates.push_back(p->member());
    MatchmakingOptions options;
    options.matchmakingTime = 3s;
    std::vector<Peer*> all = raw(peers);
    all.push_back(&stranger);
    const auto groups = matchAll(all, candidates, options);
    for (std::size_t i = 0; i < 3; ++i) {
      QVERIFY(groups[i].has_value());
      QVERIFY(!idsOf(*groups[i]).count(stranger.identity.id()));
      QCOMPARE(groups[i]->members.size(), std::size_t{3});
    }
    QVERIFY(!groups[3].has_value());
  }

  void aLatePeerWaitsForTheNextRound() {
    const auto peers = makePeers(3, 0);
    const std::vector<GroupMember> candidates = candidatesOf(peers);
    MatchmakingOptions options;
    options.matchmakingTime = 1500ms;
    // The first two know only each other; the third comes after their group has begun.
    const std::vector<GroupMember> early{candidates[0], candidates[1]};
    const auto groups = matchAll({peers[0].get(), peers[1].get()}, early, options);
    QVERIFY(groups[0] && groups[1]);
    QCOMPARE(groups[0]->members.size(), std::size_t{2});
    options.matchmakingTime = 1s;
    const auto late = peers[2]->matchmaker.formGroup(1, candidates, options);
    QVERIFY(!late.has_value());
    // Next epoch, all three together.
    options.matchmakingTime = 4s;
    const auto next = matchAll(raw(peers), candidates, options, 2);
    for (const auto& g : next) {
      QVERIFY(g.has_value());
      QCOMPARE(g->members.size(), std::size_t{3});
    }
  }

  void groupsSmallerThanTheSwarmConvergeOverRounds() {
    const auto peers = makePeers(6, 0);
    const std::vector<GroupMember> candidates = candidatesOf(peers);
    std::vector<std::vector<float>> values(6);
    for (std::size_t i = 0; i < 6; ++i) {
      std::mt19937 rng(static_cast<unsigned>(100 + i));
      std::normal_distribution<float> normal;
      for (int k = 0; k < 2000; ++k) values[i].push_back(normal(rng));
    }
    const auto spreadAndMean = [&](std::vector<double>& mean) {
      double spread = 0;
      mean.assign(2000, 0.0);
      for (std::size_t k = 0; k < 2000; ++k) {
        float lo = values[0][k], hi = values[0][k];
        for (std::size_t i = 0; i < 6; ++i) {
          lo = std::min(lo, values[i][k]);
          hi = std::max(hi, values[i][k]);
          mean[k] += values[i][k] / 6.0;
        }
        spread = std::max(spread, double(hi) - lo);
      }
      return spread;
    };
    std::vector<double> mean0, mean;
    const double spread0 = spreadAndMean(mean0);
    MatchmakingOptions options;
    options.matchmakingTime = 3s;
    options.maxGroupSize = 3;
    std::set<std::set<PeerId>> distinctGroups;
    for (std::uint64_t epoch = 1; epoch <= 6; ++epoch) {
      std::vector<std::future<std::optional<Group>>> running;
      for (std::size_t i = 0; i < 6; ++i) {
        running.push_back(std::async(std::launch::async, [&, i] {
          std::optional<Group> group = peers[i]->matchmaker.formGroup(epoch, candidates, options);
          if (group) peers[i]->averager.average(*group, values[i], 1.0, RoundOptions{});
          return group;
        }));
      }
      for (auto& f : running) {
        if (const auto g = f.get()) distinctGroups.insert(idsOf(*g));
      }
    }
    const double spread = spreadAndMean(mean);
    // Equal weights: averaging within groups keeps the swarm's mean; new ranks each epoch mix the
    // groups, so the peers converge although no group ever holds all of them.
    for (std::size_t k = 0; k < 2000; ++k) QVERIFY(std::fabs(mean[k] - mean0[k]) < 1e-5);
    qInfo("spread of the values across peers: %.4f before, %.6f after 6 rounds, %zu distinct groups", spread0, spread,
          distinctGroups.size());
    QVERIFY2(spread < spread0 / 20, qPrintable(QString("spread %1 → %2").arg(spread0).arg(spread)));
    QVERIFY2(distinctGroups.size() > 2, qPrintable(QString("%1 distinct groups").arg(distinctGroups.size())));
  }

  void theGroupThatFormedAverages() {
    const auto peers = makePeers(4, 1);
    const std::vector<GroupMember> candidates = candidatesOf(peers);
    MatchmakingOptions options;
    options.matchmakingTime = 4s;
    std::vector<std::vector<float>> values(4);
    std::vector<std::future<RoundReport>> running;
    for (std::size_t i = 0; i < 4; ++i) {
      std::mt19937 rng(static_cast<unsigned>(i));
      std::normal_distribution<float> normal;
      for (int k = 0; k < 5000; ++k) values[i].push_back(normal(rng));
    }
    std::vector<double> mean(5000, 0.0);
    for (std::size_t i = 0; i < 4; ++i) {
      for (std::size_t k = 0; k < 5000; ++k) mean[k] += values[i][k] * double(i + 1) / 10.0;
    }
    for (std::size_t i = 0; i < 4; ++i) {
      running.push_back(std::async(std::launch::async, [&, i] {
        const std::optional<Group> group = peers[i]->matchmaker.formGroup(7, candidates, options);
        if (!group) return RoundReport{};
        return peers[i]->averager.average(*group, values[i], double(i + 1), RoundOptions{});
      }));
    }
    for (std::size_t i = 0; i < 4; ++i) {
      const RoundReport report = running[i].get();
      QVERIFY(report.allAveraged() && !report.parts.empty());
      for (std::size_t k = 0; k < 5000; ++k) QVERIFY(std::fabs(values[i][k] - mean[k]) < 1e-6);
    }
  }
};

QTEST_GUILESS_MAIN(TestSwarmMatchmaking)
#include "test_swarm_matchmaking.moc"
