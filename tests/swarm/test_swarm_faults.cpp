// The fault matrix with real processes (tests/swarm/swarm_fault_peer.cpp): four peers average, one
// of them is killed before the round, after sending its first part or while reducing, stopped, or
// leaves. The others must return within the round's timeout, each value being the mean of the
// peers that reached that part's reducer (with or without the faulty one) or the peer's own.

#include <QtTest>

#include <csignal>

#include "swarm/averaging_group.h"
#include "swarm/crypto.h"

using namespace sds::swarm;

namespace {

constexpr int kPeers = 4;
constexpr int kTimeoutMs = 3000;

std::vector<float> readFloats(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  const QByteArray bytes = f.readAll();
  std::vector<float> v(static_cast<std::size_t>(bytes.size()) / sizeof(float));
  std::memcpy(v.data(), bytes.constData(), v.size() * sizeof(float));
  return v;
}

PeerId parseId(const QString& hex) {
  PeerId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(hex.mid(int(2 * i), 2).toUInt(nullptr, 16));
  return id;
}

}  // namespace

class TestSwarmFaults : public QObject {
  Q_OBJECT

 private slots:
  void survivorsFinishWithTheMeanOrTheirOwnValues_data() {
    QTest::addColumn<QString>("fault");
    for (const char* f : {"none", "kill-before", "kill-after-first-part", "kill-while-reducing", "stop-after-first-part",
                          "leave-after-first-part"}) {
      QTest::newRow(f) << QString(f);
    }
  }
  void survivorsFinishWithTheMeanOrTheirOwnValues() {
    QFETCH(QString, fault);
    const int faulty = fault == "none" ? -1 : 2;
    QTemporaryDir dir;
    std::vector<std::unique_ptr<QProcess>> peers;
    for (int i = 0; i < kPeers; ++i) {
      auto p = std::make_unique<QProcess>();
      p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
      p->start(SDS_SWARM_FAULT_PEER, {dir.path(), QString::number(i), QString::number(kPeers),
                                      i == faulty ? fault : QString("none"), QString::number(kTimeoutMs)});
      QVERIFY(p->waitForStarted());
      peers.push_back(std::move(p));
    }
    for (int i = 0; i < kPeers; ++i) {
      if (i == faulty) continue;
      QVERIFY2(peers[static_cast<std::size_t>(i)]->waitForFinished(30000), qPrintable(QString("peer %1 hangs").arg(i)));
      QCOMPARE(peers[static_cast<std::size_t>(i)]->exitCode(), 0);
    }
    if (faulty >= 0) {
      ::kill(static_cast<pid_t>(peers[static_cast<std::size_t>(faulty)]->processId()), SIGKILL);
      peers[static_cast<std::size_t>(faulty)]->waitForFinished(5000);
    }

    // The plan every peer computed, from the member files.
    Group group;
    group.roundId = hash32({"fault matrix round"});
    for (int i = 0; i < kPeers; ++i) {
      QFile f(dir.filePath(QString("peer-%1.member").arg(i)));
      QVERIFY(f.open(QIODevice::ReadOnly));
      const QStringList fields = QString::fromUtf8(f.readAll()).split(' ');
      GroupMember m;
      m.id = parseId(fields[0]);
      m.host = "127.0.0.1";
      m.port = static_cast<std::uint16_t>(fields[1].trimmed().toUInt());
      group.members.push_back(m);
    }
    std::vector<std::vector<float>> initial;
    for (int i = 0; i < kPeers; ++i) initial.push_back(readFloats(dir.filePath(QString("peer-%1.initial").arg(i))));
    const std::size_t n = initial[0].size();
    const GroupPlan plan = planGroup(group, n);

    auto mean = [&](bool withFaulty, std::size_t k) {
      double sum = 0, total = 0;
      for (int i = 0; i < kPeers; ++i) {
        if (i == faulty && !withFaulty) continue;
        sum += (i + 1.0) * initial[static_cast<std::size_t>(i)][k];
        total += i + 1.0;
      }
      return sum / total;
    };
    for (int i = 0; i < kPeers; ++i) {
      if (i == faulty) continue;
      const std::vector<float> final = readFloats(dir.filePath(QString("peer-%1.final").arg(i)));
      QCOMPARE(final.size(), n);
      QFile seconds(dir.filePath(QString("peer-%1.seconds").arg(i)));
      QVERIFY(seconds.open(QIODevice::ReadOnly));
      const double took = seconds.readAll().trimmed().toDouble();
      QVERIFY2(took < kTimeoutMs / 1000.0 + 1.5, qPrintable(QString("peer %1 took %2 s").arg(i).arg(took)));
      for (const PartRange& part : plan.parts) {
        // A part is one outcome as a whole: every value of it fits the same explanation.
        int fits[3] = {0, 0, 0};
        for (std::size_t k = part.offset; k < part.offset + part.length; ++k) {
          fits[0] += std::fabs(final[k] - mean(false, k)) < 1e-5;
          fits[1] += std::fabs(final[k] - mean(true, k)) < 1e-5;
          fits[2] += final[k] == initial[static_cast<std::size_t>(i)][k];
        }
        const int whole = static_cast<int>(part.length);
        const bool reducedBySurvivor = faulty < 0 || part.reducer != group.members[static_cast<std::size_t>(faulty)].id;
        // A part a survivor reduces is averaged whatever the faulty peer did; the faulty peer's own
        // part may also stay at the local values.
        const bool averaged = fits[0] == whole || fits[1] == whole;
        QVERIFY2(averaged || (!reducedBySurvivor && fits[2] == whole),
                 qPrintable(QString("peer %1, part at %2: %3/%4/%5 of %6 values fit the survivors' mean, everyone's "
                                    "mean, its own values")
                                .arg(i).arg(part.offset).arg(fits[0]).arg(fits[1]).arg(fits[2]).arg(whole)));
        if (fault == "kill-before" || fault == "none") QVERIFY(fits[fault == "none" ? 1 : 0] == whole || !averaged);
      }
    }
  }
};

QTEST_GUILESS_MAIN(TestSwarmFaults)
#include "test_swarm_faults.moc"
