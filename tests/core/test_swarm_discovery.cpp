// Discovery over a real OpenDHT network on loopback: peers find each other under the run's key,
// never a peer of another run, and whatever an attacker writes under the key is dropped.

#include <QtTest>

#include <thread>

#include "swarm/discovery.h"
#include "swarm/progress.h"

using namespace sds::swarm;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const RunKey& run() {
  static const RunKey key = RunKey::fromSecret("discovery test run key");
  return key;
}

DiscoveryOptions loopbackOptions(std::vector<std::string> bootstrap = {}) {
  DiscoveryOptions o;
  o.bootstrap = std::move(bootstrap);
  o.perAddressRequestLimit = -1;  // every node here shares 127.0.0.1
  return o;
}

PeerRecord reachableAt(std::uint16_t port, std::uint64_t epoch) {
  PeerRecord r;
  r.host = "127.0.0.1";
  r.port = port;
  r.epoch = epoch;
  r.samplesPerSecond = 10;
  return r;
}

// Polls until `discovery` knows `count` peers or 15 s have passed.
std::vector<PeerRecord> waitForPeers(Discovery& discovery, std::size_t count) {
  std::vector<PeerRecord> peers;
  const auto until = Clock::now() + 15s;
  while (Clock::now() < until) {
    peers = discovery.peers(1s);
    if (peers.size() >= count) break;
    std::this_thread::sleep_for(200ms);
  }
  return peers;
}

}  // namespace

class TestSwarmDiscovery : public QObject {
  Q_OBJECT

 private slots:
  void peersFindEachOtherAndNoStrangers() {
    const Identity ia = Identity::generate(), ib = Identity::generate(), ic = Identity::generate();
    const Identity is = Identity::generate();
    const RunKey other = RunKey::fromSecret("another run's key");
    Discovery a(ia, run(), loopbackOptions());
    const std::string boot = "127.0.0.1:" + std::to_string(a.port());
    Discovery b(ib, run(), loopbackOptions({boot}));
    Discovery c(ic, run(), loopbackOptions({boot}));
    Discovery stranger(is, other, loopbackOptions({boot}));
    a.publish(reachableAt(1001, 3));
    b.publish(reachableAt(1002, 3));
    c.publish(reachableAt(1003, 4));
    stranger.publish(reachableAt(1004, 3));

    const std::vector<PeerRecord> seen = waitForPeers(c, 3);
    QCOMPARE(seen.size(), std::size_t{3});
    std::map<PeerId, PeerRecord> byId;
    for (const PeerRecord& r : seen) byId[r.peer] = r;
    QVERIFY(byId.count(ia.id()) && byId.count(ib.id()) && byId.count(ic.id()));
    QVERIFY(!byId.count(is.id()));
    QCOMPARE(byId[ib.id()].port, std::uint16_t{1002});
    QCOMPARE(byId[ic.id()].epoch, std::uint64_t{4});

    // The stranger sees only itself under its own run's key.
    const std::vector<PeerRecord> strangerSees = stranger.peers(2s);
    QCOMPARE(strangerSees.size(), std::size_t{1});

    // A newer record replaces the older one.
    b.publish(reachableAt(1002, 5));
    std::uint64_t epoch = 0;
    for (const auto until = Clock::now() + 10s; Clock::now() < until && epoch != 5;) {
      for (const PeerRecord& r : a.peers(1s)) {
        if (r.peer == ib.id()) epoch = r.epoch;
      }
    }
    QCOMPARE(epoch, std::uint64_t{5});
  }

  void whatAnAttackerWritesIsDropped() {
    const Identity ia = Identity::generate(), ib = Identity::generate(), victim = Identity::generate();
    Discovery a(ia, run(), loopbackOptions());
    Discovery b(ib, run(), loopbackOptions({"127.0.0.1:" + std::to_string(a.port())}));
    a.publish(reachableAt(2001, 1));
    b.publish(reachableAt(2003, 1));
    QCOMPARE(waitForPeers(b, 2).size(), std::size_t{2});
    // Garbage, a record of another run, and a tampered record, written under the run's DHT key.
    b.putRaw("not a record at all");
    const RunKey other = RunKey::fromSecret("another run's key");
    PeerRecord foreign = reachableAt(2002, 1);
    foreign.peer = victim.id();
    foreign.issuedAtMs = unixTimeMs();
    b.putRaw(std::string(asView(sealRecord(foreign, victim, other))));
    Bytes tampered = sealRecord(foreign, victim, run());
    tampered[60] ^= 1;
    b.putRaw(std::string(asView(tampered)));
    for (const auto until = Clock::now() + 10s; Clock::now() < until && a.stats().rejected < 3;) {
      for (const PeerRecord& r : a.peers(1s)) QVERIFY(r.peer != victim.id());
    }
    QVERIFY(a.stats().rejected >= 3);
    QCOMPARE(a.peers(1s).size(), std::size_t{2});
  }

  // Ten nodes: OpenDHT stores the key's values on the eight closest, so at least two read the
  // others' records through a listen on remote nodes. Each must see a peer's newer record, not only
  // its first (the listen's cache keeps the first value of an id and ignores later ones).
  void everyNodeSeesEachPeersNewestRecord() {
    constexpr std::size_t kNodes = 10;
    std::vector<Identity> ids;
    for (std::size_t i = 0; i < kNodes; ++i) ids.push_back(Identity::generate());
    std::vector<std::unique_ptr<Discovery>> nodes;
    nodes.push_back(std::make_unique<Discovery>(ids[0], run(), loopbackOptions()));
    const std::string boot = "127.0.0.1:" + std::to_string(nodes[0]->port());
    for (std::size_t i = 1; i < kNodes; ++i)
      nodes.push_back(std::make_unique<Discovery>(ids[i], run(), loopbackOptions({boot})));
    for (std::size_t i = 0; i < kNodes; ++i) nodes[i]->publish(reachableAt(static_cast<std::uint16_t>(2000 + i), 1));
    for (auto& node : nodes) QCOMPARE(waitForPeers(*node, kNodes).size(), kNodes);
    for (std::uint64_t epoch = 2; epoch <= 4; ++epoch) {
      nodes[3]->publish(reachableAt(2003, epoch));
      for (std::size_t i = 0; i < kNodes; ++i) {
        std::uint64_t seen = 0;
        for (const auto until = Clock::now() + 10s; Clock::now() < until && seen != epoch;) {
          for (const PeerRecord& r : nodes[i]->peers(1s))
            if (r.peer == ids[3].id()) seen = r.epoch;
          if (seen != epoch) std::this_thread::sleep_for(200ms);
        }
        QVERIFY2(seen == epoch, ("node " + std::to_string(i) + " sees epoch " + std::to_string(seen) + " of " +
                                 std::to_string(epoch)).c_str());
      }
    }
  }

  void progressIsComputedFromTheRecords() {
    std::vector<PeerRecord> records(4);
    const std::uint64_t now = 1'000'000;
    records[0].epoch = 7, records[0].samples = 100, records[0].samplesPerSecond = 10, records[0].issuedAtMs = now - 2000;
    records[1].epoch = 7, records[1].samples = 50, records[1].samplesPerSecond = 5, records[1].issuedAtMs = now;
    records[2].epoch = 6, records[2].samples = 900, records[2].samplesPerSecond = 5, records[2].issuedAtMs = now;
    records[3].epoch = 7, records[3].samples = 0, records[3].samplesPerSecond = 0, records[3].issuedAtMs = now;
    SwarmProgress p = computeProgress(records, 400, now);
    QCOMPARE(p.epoch, std::uint64_t{7});
    QCOMPARE(p.peersOnEpoch, std::size_t{3});
    QCOMPARE(p.peersElsewhere, std::size_t{1});
    QCOMPARE(p.samplesAccumulated, 170.0);  // 100 + 2 s × 10 + 50; the peer behind does not count
    QCOMPARE(p.samplesPerSecond, 20.0);
    QVERIFY(!p.targetReached);
    QCOMPARE(p.secondsToTarget, 230.0 / 20.0);
    p = computeProgress(records, 170, now);
    QVERIFY(p.targetReached);
    QCOMPARE(p.secondsToTarget, 0.0);
    QVERIFY(std::isinf(computeProgress({records[3]}, 10, now).secondsToTarget));
    QVERIFY(!computeProgress({}, 0, now).targetReached);
  }

  // Right after a round, the members' records still show the epoch before it: they count as on the
  // new epoch, accumulating since the round ended. A record issued after the round, or a peer that
  // was not in the group, counts as published.
  void membersOfTheLastRoundCountAsOnItsEpoch() {
    const std::uint64_t now = 1'000'000;
    std::vector<PeerRecord> records(3);
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i].peer[0] = static_cast<std::uint8_t>(i + 1);
      records[i].samplesPerSecond = 10;
    }
    records[0].epoch = 8, records[0].samples = 8, records[0].issuedAtMs = now;          // this peer, on the new epoch
    records[1].epoch = 7, records[1].samples = 24, records[1].issuedAtMs = now - 1500;  // a member, before the round
    records[2].epoch = 7, records[2].samples = 24, records[2].issuedAtMs = now - 1500;  // not a member
    FinishedRound round;
    round.members = {records[0].peer, records[1].peer};
    round.epoch = 8;
    round.endedAtMs = now - 1000;
    SwarmProgress p = computeProgress(records, 24, now, round);
    QCOMPARE(p.epoch, std::uint64_t{8});
    QCOMPARE(p.peersOnEpoch, std::size_t{2});
    QCOMPARE(p.peersElsewhere, std::size_t{1});
    QCOMPARE(p.samplesAccumulated, 8.0 + 1.0 * 10);  // the member: 1 s at 10 samples/s since the round
    // Its own record from after the round is what it says: two of the three peers are on epoch 7,
    // which is the swarm's, and this peer, one ahead, measures the epoch it works towards.
    records[1].epoch = 7, records[1].issuedAtMs = now - 500;
    QCOMPARE(computeProgress(records, 24, now, round).epoch, std::uint64_t{7});
    p = computeProgress(records, 24, now, round, 8);
    QCOMPARE(p.epoch, std::uint64_t{8});
    QCOMPARE(p.peersOnEpoch, std::size_t{1});
    QCOMPARE(p.samplesAccumulated, 8.0);
    // Without the round, the member counts on the epoch its record shows.
    records[1].issuedAtMs = now - 1500;
    QCOMPARE(computeProgress(records, 24, now, {}, 8).peersOnEpoch, std::size_t{1});
  }

  // The swarm's epoch is where most of its samples/s are, not the newest record: a peer that saw
  // no other and trained alone ahead of the swarm is the one off it.
  void theSwarmsEpochIsWhereItsTrainingIs() {
    const std::uint64_t now = 1'000'000;
    std::vector<PeerRecord> records(4);
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i].peer[0] = static_cast<std::uint8_t>(i + 1);
      records[i].epoch = 1, records[i].samplesPerSecond = 10, records[i].issuedAtMs = now;
    }
    records[3].epoch = 6;
    QCOMPARE(swarmEpochOf(records), std::optional<std::uint64_t>(1));
    SwarmProgress p = computeProgress(records, 24, now, {}, 6);
    QCOMPARE(p.epoch, std::uint64_t{1});
    QCOMPARE(p.peersOnEpoch, std::size_t{3});
    QCOMPARE(p.peersElsewhere, std::size_t{1});
    // The lone peer is one ahead only: still the swarm's epoch for the others, and its own for it.
    records[3].epoch = 2;
    QCOMPARE(computeProgress(records, 24, now).epoch, std::uint64_t{1});
    QCOMPARE(computeProgress(records, 24, now, {}, 2).epoch, std::uint64_t{2});
    // Faster peers outweigh more of them; equal samples/s and peers go to the newer epoch.
    records[3].samplesPerSecond = 40;
    QCOMPARE(swarmEpochOf(records), std::optional<std::uint64_t>(2));
    records[3].samplesPerSecond = 10, records[2].epoch = 2;
    QCOMPARE(swarmEpochOf(records), std::optional<std::uint64_t>(2));
    // Before any rate is known, the epoch with the most peers.
    for (PeerRecord& r : records) r.samplesPerSecond = 0;
    records[3].epoch = 9;
    QCOMPARE(swarmEpochOf(records), std::optional<std::uint64_t>(1));
    // Auxiliary peers train nothing.
    for (PeerRecord& r : records) r.auxiliary = true;
    QVERIFY(!swarmEpochOf(records));
  }

  void bootstrapAddressesAreChecked() {
    const Identity ia = Identity::generate();
    Discovery a(ia, run(), loopbackOptions());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.addBootstrap("no-port-here"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.addBootstrap(":4222"));
  }
};

QTEST_GUILESS_MAIN(TestSwarmDiscovery)
#include "test_swarm_discovery.moc"
