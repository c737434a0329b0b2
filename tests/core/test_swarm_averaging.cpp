// Butterfly all-reduce between peers in one process, over real loopback connections: exact weighted
// means, client-mode members, compression within its stated bounds, CenteredClip against a scaled
// contribution, and the faults a round must survive (an absent peer, a peer of another run, a sender
// of NaN or of a part that does not fit).

#include <QtTest>

#include <cmath>
#include <future>
#include <random>

#include "swarm/averager.h"
#include "swarm/averaging_messages.h"
#include "swarm/peer_server.h"
#include "swarm/secure_channel.h"
#include "swarm/wire.h"

using namespace sds::swarm;
using namespace std::chrono_literals;

namespace {

const RunKey& run() {
  static const RunKey key = RunKey::fromSecret("averaging test run key");
  return key;
}

std::vector<float> randomValues(std::size_t n, unsigned seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

Key32 roundId(const char* name) { return hash32({name}); }

struct Peer {
  explicit Peer(bool clientMode = false, const RunKey& key = run(), bool auxiliary = false)
      : identity(Identity::generate()),
        server(clientMode ? nullptr : std::make_unique<PeerServer>(identity, key)),
        averager(identity, key, server.get(), AveragerOptions{auxiliary, 3s}) {}
  Identity identity;
  std::unique_ptr<PeerServer> server;
  Averager averager;
};

// Runs every peer's round at once; returns their reports.
std::vector<RoundReport> averageAll(std::vector<Peer*> peers, const Group& group, std::vector<std::vector<float>>& values,
                                    const std::vector<double>& weights, const RoundOptions& options) {
  std::vector<std::future<RoundReport>> running;
  for (std::size_t i = 0; i < peers.size(); ++i) {
    running.push_back(std::async(std::launch::async, [&, i] {
      return peers[i]->averager.average(group, values[i], weights[i], options);
    }));
  }
  std::vector<RoundReport> reports;
  for (auto& f : running) reports.push_back(f.get());
  return reports;
}

std::vector<double> exactMean(const std::vector<std::vector<float>>& values, const std::vector<double>& weights,
                              const std::vector<std::size_t>& who) {
  std::vector<double> mean(values[who[0]].size(), 0.0);
  double total = 0;
  for (std::size_t k : who) {
    total += weights[k];
    for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += weights[k] * values[k][i];
  }
  for (double& m : mean) m /= total;
  return mean;
}

double maxDifference(const std::vector<float>& a, const std::vector<double>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

}  // namespace

class TestSwarmAveraging : public QObject {
  Q_OBJECT

 private slots:
  void halfPrecisionConversionIsExact() {
    QCOMPARE(floatToHalf(1.0f), std::uint16_t{0x3c00});
    QCOMPARE(floatToHalf(-2.0f), std::uint16_t{0xc000});
    QCOMPARE(floatToHalf(65504.0f), std::uint16_t{0x7bff});
    QCOMPARE(floatToHalf(1e6f), std::uint16_t{0x7c00});
    QCOMPARE(floatToHalf(std::ldexp(1.0f, -24)), std::uint16_t{0x0001});
    QCOMPARE(floatToHalf(1.0f + std::ldexp(1.0f, -11)), std::uint16_t{0x3c00});  // a tie rounds to even
    QCOMPARE(halfToFloat(0x3555), 0.333251953125f);
    for (std::uint32_t h = 0; h < 0x7c00; ++h) {  // every finite positive half survives the round trip
      QCOMPARE(floatToHalf(halfToFloat(static_cast<std::uint16_t>(h))), static_cast<std::uint16_t>(h));
    }
  }

  void compressionStaysWithinItsStatedBounds_data() {
    QTest::addColumn<int>("format");
    QTest::newRow("none") << int(Compression::None);
    QTest::newRow("fp16") << int(Compression::Float16);
    QTest::newRow("uniform8") << int(Compression::Uniform8);
    QTest::newRow("quantile8") << int(Compression::Quantile8);
  }
  void compressionStaysWithinItsStatedBounds() {
    QFETCH(int, format);
    const auto c = static_cast<Compression>(format);
    std::vector<float> values = randomValues(10'000, 3, 0.02f);
    values[17] = 0.0f;
    values[99] = 3.5f;  // an outlier
    const Compressed packed = compress(values.data(), values.size(), c);
    QCOMPARE(int(packed.format), format);
    QVERIFY(packed.payload.size() <= compressedSizeBound(values.size(), c));
    std::vector<float> back(values.size());
    decompress(asView(packed.payload), packed.format, back.data(), back.size());
    const std::vector<double> bounds = compressionErrorBounds(values.data(), values.size(), c);
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double bound = bounds[i];
      QVERIFY2(std::fabs(double(back[i]) - values[i]) <= bound,
               qPrintable(QString("value %1: %2 became %3, bound %4").arg(i).arg(values[i]).arg(back[i]).arg(bound)));
    }
    QVERIFY_THROWS_EXCEPTION(WireError, decompress(asView(packed.payload).substr(1), packed.format, back.data(),
                                                   back.size()));
  }

  void halfPrecisionFallsBackForValuesOutOfItsRange() {
    const std::vector<float> values{1.0f, 1e6f};
    const Compressed packed = compress(values.data(), values.size(), Compression::Float16);
    QCOMPARE(int(packed.format), int(Compression::None));
  }

  void weightedMeanAndCenteredClip() {
    const std::vector<float> a{1, 2, 3}, b{3, 2, 1}, c{2, 2, 8};
    float out[3];
    weightedMean({{a.data(), 1}, {b.data(), 3}}, 3, out);
    QCOMPARE(out[0], 2.5f);
    QCOMPARE(out[2], 1.5f);
    CenteredClipOptions wide;
    wide.tau = 1e9;
    float clipped[3];
    centeredClip({{a.data(), 1}, {b.data(), 2}, {c.data(), 1}}, 3, clipped, wide);
    weightedMean({{a.data(), 1}, {b.data(), 2}, {c.data(), 1}}, 3, out);
    for (int i = 0; i < 3; ++i) QVERIFY(std::fabs(clipped[i] - out[i]) < 1e-5);
  }

  void messagesRefuseWhatDoesNotFit() {
    const Key32 group = roundId("messages");
    const std::vector<float> v{1, 2, 3};
    const AveragingMessage back = decodeAveragingMessage(encodePart(group, 7, 2.5, v.data(), 3, Compression::None));
    QCOMPARE(std::get<PartChunk>(back).offset, std::uint64_t{7});
    QCOMPARE(std::get<PartChunk>(back).weight, 2.5);
    const std::vector<float> nan{1, std::nanf(""), 3};
    QVERIFY_THROWS_EXCEPTION(WireError, decodeAveragingMessage(encodePart(group, 0, 1, nan.data(), 3, Compression::None)));
    QVERIFY_THROWS_EXCEPTION(WireError, decodeAveragingMessage(encodePart(group, 0, -1, v.data(), 3, Compression::None)));
    QVERIFY_THROWS_EXCEPTION(WireError, decodeAveragingMessage(encodePart(group, 0, 1, v.data(), 0, Compression::None)));
    Bytes truncated = encodePart(group, 0, 1, v.data(), 3, Compression::None);
    truncated.pop_back();
    QVERIFY_THROWS_EXCEPTION(WireError, decodeAveragingMessage(truncated));
    Bytes trailing = encodeRefusal(group, "no");
    trailing.push_back(0);
    QVERIFY_THROWS_EXCEPTION(WireError, decodeAveragingMessage(trailing));
    Bytes unknown = encodeRefusal(group, "no");
    unknown[0] = 9;
    QVERIFY_THROWS_EXCEPTION(WireError, decodeAveragingMessage(unknown));
    ByteWriter huge;
    huge.u8(1);
    huge.raw(group);
    huge.u64(0);
    huge.f64(1.0);
    huge.u32(kChunkValues + 1);
    QVERIFY_THROWS_EXCEPTION(WireError, decodeAveragingMessage(huge.data()));
  }

  void partsFollowBandwidthAndSkipClients() {
    Group group;
    group.roundId = roundId("plan");
    for (int i = 0; i < 4; ++i) {
      GroupMember m;
      m.id = Identity::generate().id();
      m.host = "127.0.0.1";
      m.port = static_cast<std::uint16_t>(1000 + i);
      m.bandwidth = i + 1;
      m.clientMode = i == 0;
      group.members.push_back(m);
    }
    const GroupPlan plan = planGroup(group, 9001);
    QCOMPARE(plan.parts.size(), std::size_t{3});
    std::size_t total = 0;
    for (const PartRange& p : plan.parts) {
      QCOMPARE(p.offset, total);
      total += p.length;
      const GroupMember* m = plan.member(p.reducer);
      QVERIFY(!m->clientMode);
      QVERIFY(std::fabs(double(p.length) - 9001.0 * m->bandwidth / 9.0) <= 1.0);
    }
    QCOMPARE(total, std::size_t{9001});
    Group reordered = group;
    std::reverse(reordered.members.begin(), reordered.members.end());
    QCOMPARE(toHex(planGroup(reordered, 9001).hash), toHex(plan.hash));
    Group other = group;
    other.roundId = roundId("another round");
    QVERIFY(toHex(planGroup(other, 9001).hash) != toHex(plan.hash));
    group.members.push_back(group.members.back());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, planGroup(group, 10));
  }

  void peersReachTheExactWeightedMean_data() {
    QTest::addColumn<int>("peers");
    QTest::addColumn<int>("clients");
    QTest::addColumn<QString>("tensors");  // sizes, comma-separated
    QTest::newRow("2 peers, small tensors") << 2 << 0 << "1,3,128,1000";
    // The tensor shapes of hivemind's partitioning test (30000×128, 128, 1×…×8, 1×0, 0, a scalar,
    // 65536, 512×2048, 1024×1024, 1020, 4096), flattened: empty tensors, chunks across parts.
    QTest::newRow("4 peers, one a client, hivemind's shapes")
        << 4 << 1 << "3840000,128,8,0,0,1,65536,1048576,1048576,1020,4096";
    QTest::newRow("3 peers, several chunks") << 3 << 0 << QString::number(2 * kChunkValues + 12'345);
  }
  void peersReachTheExactWeightedMean() {
    QFETCH(int, peers);
    QFETCH(int, clients);
    QFETCH(QString, tensors);
    std::vector<std::size_t> sizes;
    std::size_t size = 0;
    for (const QString& t : tensors.split(',')) {
      sizes.push_back(t.toULongLong());
      size += sizes.back();
    }
    std::vector<std::unique_ptr<Peer>> owned;
    std::vector<Peer*> all;
    Group group;
    group.roundId = roundId(QTest::currentDataTag());
    std::vector<std::vector<float>> values;
    std::vector<double> weights;
    for (int i = 0; i < peers; ++i) {
      owned.push_back(std::make_unique<Peer>(i < clients));
      all.push_back(owned.back().get());
      group.members.push_back(owned.back()->averager.member(1.0 + i));
      values.push_back(randomValues(size, 100u + static_cast<unsigned>(i)));
      weights.push_back(16.0 * (i + 1));
    }
    std::vector<std::size_t> everyone(static_cast<std::size_t>(peers));
    std::iota(everyone.begin(), everyone.end(), 0);
    const std::vector<double> mean = exactMean(values, weights, everyone);
    RoundOptions options;
    options.timeout = 20s;
    options.tensorSizes = sizes;
    const std::vector<RoundReport> reports = averageAll(all, group, values, weights, options);
    for (int i = 0; i < peers; ++i) {
      QVERIFY2(reports[static_cast<std::size_t>(i)].allAveraged(), qPrintable(QString("peer %1").arg(i)));
      QVERIFY(reports[static_cast<std::size_t>(i)].excluded.empty());
      QVERIFY2(maxDifference(values[static_cast<std::size_t>(i)], mean) < 1e-6, qPrintable(QString("peer %1").arg(i)));
      QVERIFY(reports[static_cast<std::size_t>(i)].bytesSent > 0);
    }
  }

  void anAuxiliaryPeerReducesButContributesNothing() {
    Peer a, b, client(true), aux(false, run(), true);
    Group group{roundId("auxiliary"), {a.averager.member(), b.averager.member(), client.averager.member(),
                                       aux.averager.member(3.0)}};
    QVERIFY(group.members.back().auxiliary);
    std::vector<std::vector<float>> values{randomValues(6000, 1), randomValues(6000, 2), randomValues(6000, 3),
                                           std::vector<float>(6000, 1000.0f)};
    const std::vector<double> weights{1, 2, 3, 1};
    const std::vector<double> mean = exactMean(values, weights, {0, 1, 2});  // the auxiliary's values never count
    const std::vector<RoundReport> reports = averageAll({&a, &b, &client, &aux}, group, values, weights, RoundOptions{});
    const GroupPlan plan = planGroup(group, 6000);
    const PartRange* auxPart = plan.partOf(aux.averager.id());
    QVERIFY(auxPart && auxPart->length > 2000);  // it reduces the largest part (bandwidth 3 of 5)
    for (std::size_t p = 0; p < 3; ++p) {
      QVERIFY2(reports[p].allAveraged(), qPrintable(QString("peer %1").arg(p)));
      QVERIFY(reports[p].excluded.empty());
      QVERIFY(maxDifference(values[p], mean) < 1e-6);
    }
    QCOMPARE(values[3], std::vector<float>(6000, 1000.0f));
  }

  void aReducerWithAnEmptyPartDoesNotWait() {
    Peer a, b, c;
    Group group{roundId("tiny"), {a.averager.member(), b.averager.member(), c.averager.member()}};
    std::vector<std::vector<float>> values{{1.0f, 2.0f}, {3.0f, 4.0f}, {5.0f, 9.0f}};
    RoundOptions options;
    options.timeout = 10s;
    const auto started = Clock::now();
    const std::vector<RoundReport> reports = averageAll({&a, &b, &c}, group, values, {1, 1, 1}, options);
    QVERIFY2(Clock::now() - started < 3s, "a reducer of an empty part waited for parts that never come");
    for (std::size_t p = 0; p < 3; ++p) {
      QVERIFY(reports[p].allAveraged() && reports[p].excluded.empty());
      QCOMPARE(values[p], (std::vector<float>{3.0f, 5.0f}));
    }
  }

  void compressedRoundsStayWithinTheBound() {
    Peer a, b, c;
    Group group{roundId("compressed"), {a.averager.member(), b.averager.member(), c.averager.member()}};
    std::vector<std::vector<float>> values{randomValues(50'000, 1, 0.01f), randomValues(50'000, 2, 0.01f),
                                           randomValues(50'000, 3, 0.01f)};
    const std::vector<double> weights{1, 1, 1};
    const std::vector<double> mean = exactMean(values, weights, {0, 1, 2});
    RoundOptions options;
    options.compression = Compression::Uniform8;
    const std::vector<RoundReport> reports = averageAll({&a, &b, &c}, group, values, weights, options);
    // Each value is compressed twice (to the reducer and back), each time within half a step of a
    // block whose range is at most that of all values: about 0.1 / 510.
    for (std::size_t i = 0; i < 3; ++i) {
      QVERIFY(reports[i].allAveraged());
      const double error = maxDifference(values[i], mean);
      QVERIFY2(error < 2 * 0.1 / 510 + 1e-6, qPrintable(QString::number(error)));
      QVERIFY(error > 0);  // really compressed
    }
  }

  void smallTensorsTravelUncompressed() {
    Peer a, b, c;
    Group group{roundId("tensors"), {a.averager.member(), b.averager.member(), c.averager.member()}};
    const std::vector<std::size_t> sizes{10, 100'000, 5, 200'000, 7};
    std::vector<std::vector<float>> values{randomValues(300'022, 1), randomValues(300'022, 2), randomValues(300'022, 3)};
    const std::vector<double> weights{1, 1, 1};
    const std::vector<double> mean = exactMean(values, weights, {0, 1, 2});
    RoundOptions options;
    options.compression = Compression::Uniform8;
    options.tensorSizes = sizes;
    options.compressAbove = 1000;
    QCOMPARE(planChunk(options, 5, 300'022).count, std::size_t{5});  // to the end of the first tensor
    QCOMPARE(int(planChunk(options, 5, 300'022).compression), int(Compression::None));
    QCOMPARE(int(planChunk(options, 10, 300'022).compression), int(Compression::Uniform8));
    const std::vector<RoundReport> reports = averageAll({&a, &b, &c}, group, values, weights, options);
    std::size_t start = 0;
    for (std::size_t size : sizes) {
      for (std::size_t p = 0; p < 3; ++p) {
        QVERIFY(reports[p].allAveraged());
        double worst = 0;
        for (std::size_t k = start; k < start + size; ++k) worst = std::max(worst, std::fabs(values[p][k] - mean[k]));
        if (size < 1000) QVERIFY2(worst < 1e-6, qPrintable(QString("tensor at %1: %2").arg(start).arg(worst)));
        else QVERIFY2(worst > 1e-6 && worst < 0.05, qPrintable(QString("tensor at %1: %2").arg(start).arg(worst)));
      }
      start += size;
    }
    options.tensorSizes = {1, 2};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.averager.average(group, values[0], 1.0, options));
  }

  void anAbsentPeerCostsOnlyItsPartsAndTheTimeout() {
    Peer a, b, c, absent;
    Group group{roundId("absent"), {a.averager.member(), b.averager.member(), c.averager.member(), absent.averager.member()}};
    std::vector<std::vector<float>> values{randomValues(4000, 1), randomValues(4000, 2), randomValues(4000, 3)};
    const std::vector<std::vector<float>> local = values;
    const std::vector<double> weights{1, 2, 3};
    const std::vector<double> survivors = exactMean(values, weights, {0, 1, 2});
    RoundOptions options;
    options.timeout = 2s;
    const auto started = Clock::now();
    const std::vector<RoundReport> reports = averageAll({&a, &b, &c}, group, values, weights, options);
    QVERIFY(Clock::now() - started < 4s);
    const GroupPlan plan = planGroup(group, 4000);
    const PartRange* lost = plan.partOf(absent.averager.id());
    for (std::size_t p = 0; p < 3; ++p) {
      QVERIFY(!reports[p].allAveraged());
      for (std::size_t i = 0; i < 4000; ++i) {
        const bool inLostPart = i >= lost->offset && i < lost->offset + lost->length;
        const double expected = inLostPart ? local[p][i] : survivors[i];
        QVERIFY2(std::fabs(values[p][i] - expected) < 1e-6, qPrintable(QString("peer %1 value %2").arg(p).arg(i)));
      }
    }
  }

  void aPeerOfAnotherRunIsNeverAveragedWith() {
    const RunKey other = RunKey::fromSecret("a different run key");
    Peer a, b, stranger(false, other);
    Group group{roundId("stranger"), {a.averager.member(), b.averager.member(), stranger.averager.member()}};
    std::vector<std::vector<float>> values{randomValues(3000, 1), randomValues(3000, 2), randomValues(3000, 3)};
    const std::vector<std::vector<float>> local = values;
    const std::vector<double> weights{1, 1, 1};
    RoundOptions options;
    options.timeout = 2s;
    averageAll({&a, &b, &stranger}, group, values, weights, options);
    const std::vector<double> honest = exactMean(local, weights, {0, 1});
    for (std::size_t p = 0; p < 2; ++p) {
      for (std::size_t i = 0; i < 3000; ++i) {
        QVERIFY(std::fabs(values[p][i] - honest[i]) < 1e-6 || values[p][i] == local[p][i]);
      }
    }
    QCOMPARE(values[2], local[2]);  // the stranger learned nothing and changed nothing
  }

  void aSenderOfNanIsRefusedAndLeftOut() {
    Peer a, b;
    const Identity evil = Identity::generate();
    GroupMember evilMember;
    evilMember.id = evil.id();
    evilMember.clientMode = true;
    Group group{roundId("nan"), {a.averager.member(), b.averager.member(), evilMember}};
    const GroupPlan plan = planGroup(group, 2000);
    std::vector<std::vector<float>> values{randomValues(2000, 1), randomValues(2000, 2)};
    const std::vector<double> honest = exactMean(values, {1, 1}, {0, 1});
    std::string refusal;
    std::thread attacker([&] {
      const PartRange* part = plan.partOf(a.averager.id());
      std::vector<float> poison(part->length, std::nanf(""));
      auto channel = SecureChannel::connect("127.0.0.1", a.server->port(), evil, run(), Clock::now() + 5s);
      channel->send(asView(encodePart(plan.hash, part->offset, 1.0, poison.data(),
                                      static_cast<std::uint32_t>(poison.size()), Compression::None)),
                    Clock::now() + 5s);
      try {
        const AveragingMessage answer = decodeAveragingMessage(channel->receive(kMaxAveragingMessageBytes, Clock::now() + 5s));
        if (const auto* r = std::get_if<Refusal>(&answer)) refusal = r->reason;
      } catch (const std::exception& e) {
        refusal = e.what();
      }
    });
    RoundOptions options;
    options.timeout = 3s;
    const std::vector<RoundReport> reports = averageAll({&a, &b}, group, values, {1, 1}, options);
    attacker.join();
    QVERIFY2(refusal.find("NaN") != std::string::npos, refusal.c_str());
    for (std::size_t p = 0; p < 2; ++p) QVERIFY(maxDifference(values[p], honest) < 1e-6);
    bool named = false;
    for (const std::string& e : reports[0].excluded) named |= e.find(shortName(evil.id())) != std::string::npos;
    QVERIFY(named);
  }

  void centeredClipBoundsAScaledContribution() {
    Peer a, b, c, d;
    Group group{roundId("clip"), {a.averager.member(), b.averager.member(), c.averager.member(), d.averager.member()}};
    std::vector<std::vector<float>> values;
    for (unsigned i = 0; i < 4; ++i) values.push_back(randomValues(1000, 40 + i, 0.01f));
    for (float& v : values[3]) v *= 1000.0f;  // a 1000× scaled gradient
    const std::vector<double> weights{1, 1, 1, 1};
    const std::vector<double> honest = exactMean(values, weights, {0, 1, 2});
    const std::vector<double> plain = exactMean(values, weights, {0, 1, 2, 3});
    RoundOptions options;
    options.aggregation = Aggregation::CenteredClip;
    options.clip.tau = 0.5;  // above the honest peers' spread (about 0.13 per part)
    averageAll({&a, &b, &c, &d}, group, values, weights, options);
    double deviation = 0, plainDeviation = 0;
    for (std::size_t i = 0; i < 1000; ++i) {
      deviation += std::pow(values[0][i] - honest[i], 2);
      plainDeviation += std::pow(plain[i] - honest[i], 2);
    }
    // In each part the clipped attacker pulls with τ against three unclipped honest peers: the estimate
    // settles τ/3 from their mean, √4·τ/3 over the four parts, where the plain mean moves by ~80.
    QVERIFY2(std::sqrt(deviation) < options.clip.tau, qPrintable(QString::number(std::sqrt(deviation))));
    QVERIFY(std::sqrt(plainDeviation) > 10);
  }
};

QTEST_GUILESS_MAIN(TestSwarmAveraging)
#include "test_swarm_averaging.moc"
