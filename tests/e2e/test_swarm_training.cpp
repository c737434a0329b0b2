// Swarm training as users run it: `sdtrain train` processes on loopback, peers of one run key, the
// tiny model on generated shapes. Peers that average every round end bitwise equal; a peer that joins
// late downloads the swarm's state and ends equal too; a peer killed outright costs the others no
// more than the averaging timeout; a training joins and leaves by command and resumes alone.

#include <QtTest>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>
#include <memory>

#include "io/safetensors.h"

namespace {

constexpr int kSteps = 8;

// Steps of 4 images, 96 images per swarm epoch: a few local steps per peer between rounds, so that
// every peer's record reaches the others before the round. State averaging (every 10 epochs by
// default) comes in only where a test asks for it.
QByteArray project(bool swarm = true, const QString& mode = "sync", int averageStateEvery = 10, int targetBatch = 96) {
  return QString(R"([project]
name = "swarm"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = %1
batch_size = 4
seed = 7
device = "cpu"
precision = "fp32"
[dataset]
path = "data"
kind = "shapes"
shapes_count = 32
min_image_size = 32
workers = 1
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[checkpointing]
every_n_steps = 0
[sampling]
every_n_steps = 0
[output]
directory = "out"
model_format = "diffusers"
save_precision = "fp32"
tensorboard = false
[swarm]
enabled = %2
run_key = "sdsrun-a-test-run-of-three-peers"
public_address = "127.0.0.1"
target_batch_size = %5
mode = "%3"
local_steps = 12
matchmaking_time_s = 2
averaging_timeout_s = 5
average_state_every = %4
)")
      .arg(kSteps)
      .arg(swarm ? "true" : "false", mode)
      .arg(averageStateEvery)
      .arg(targetBatch)
      .toUtf8();
}

// One `sdtrain train` peer, its events read as they come.
class Peer {
 public:
  Peer(const QString& folder, const QString& name, const QStringList& extra, const QString& project = "project.toml")
      : name_(name) {
    process_.setWorkingDirectory(folder);
    process_.setProcessChannelMode(QProcess::SeparateChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("OMP_NUM_THREADS", "1");
    process_.setProcessEnvironment(env);
    process_.start(SDS_SDTRAIN, QStringList{"--events", "jsonl", "train", project, "--output", "out-" + name} + extra);
  }
  ~Peer() {
    if (process_.state() != QProcess::NotRunning) {
      process_.kill();
      process_.waitForFinished(10000);
    }
  }

  // Reads what has arrived; returns the new events.
  QList<QJsonObject> poll() {
    process_.waitForReadyRead(50);
    QList<QJsonObject> fresh;
    while (process_.canReadLine()) {
      const QJsonObject e = QJsonDocument::fromJson(process_.readLine()).object();
      if (e.isEmpty()) continue;
      events_.push_back(e);
      fresh.push_back(e);
    }
    return fresh;
  }
  // Polls until an event satisfies `match` or `ms` pass.
  std::optional<QJsonObject> waitFor(const std::function<bool(const QJsonObject&)>& match, int ms) {
    for (const QJsonObject& e : events_)
      if (match(e)) return e;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) {
      for (const QJsonObject& e : poll())
        if (match(e)) return e;
      if (process_.state() == QProcess::NotRunning && !process_.canReadLine()) break;
    }
    return std::nullopt;
  }
  bool finish(int ms) {
    QElapsedTimer timer;
    timer.start();
    while (process_.state() != QProcess::NotRunning && timer.elapsed() < ms) poll();
    poll();
    return process_.state() == QProcess::NotRunning;
  }
  int exitCode() const { return process_.exitCode(); }
  void send(const QByteArray& command) {
    process_.write(command + "\n");
    process_.waitForBytesWritten(5000);
  }
  void kill() { ::kill(static_cast<pid_t>(process_.processId()), SIGKILL); }
  QList<QJsonObject> named(const QString& event) const {
    QList<QJsonObject> out;
    for (const QJsonObject& e : events_)
      if (e["event"].toString() == event) out.push_back(e);
    return out;
  }
  QString errors() const { return QString::fromUtf8(const_cast<QProcess&>(process_).readAllStandardError()).right(3000); }
  const QString& name() const { return name_; }

 private:
  QString name_;
  QProcess process_;
  QList<QJsonObject> events_;
};

bool isStep(const QJsonObject& e, int atLeast) { return e["event"] == "step" && e["step"].toInt() >= atLeast; }

// The address others join through: the first peer's DHT port, from its swarm event.
QString bootstrapOf(Peer& peer) {
  const auto joined = peer.waitFor([](const QJsonObject& e) { return e["event"] == "swarm" && e["dht_port"].toInt() > 0; }, 60000);
  return joined ? "127.0.0.1:" + QString::number((*joined)["dht_port"].toInt()) : QString();
}

QByteArray finalState(const QString& folder, const QString& peer) {
  QFile f(folder + "/out-" + peer + "/checkpoints/step-0000000" + QString::number(kSteps) + "/state.safetensors");
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The bytes of each tensor of a state file whose name starts with one of `prefixes`.
std::map<std::string, QByteArray> tensorsOf(const QString& path, const QStringList& prefixes) {
  std::map<std::string, QByteArray> out;
  const auto file = sds::io::SafetensorsFile::open(path.toStdString());
  for (const auto& t : file.tensors())
    for (const QString& prefix : prefixes)
      if (QString::fromStdString(t.name).startsWith(prefix))
        out[t.name] = QByteArray(reinterpret_cast<const char*>(file.data(t)), static_cast<int>(t.bytes()));
  return out;
}

// Members of one round end with the same values: every two peers' averaged rounds of one epoch
// carry the same digest. Returns how many such pairs were compared.
int checkDigestsAgree(const std::vector<Peer*>& peers) {
  int compared = 0;
  for (std::size_t i = 0; i < peers.size(); ++i)
    for (std::size_t j = i + 1; j < peers.size(); ++j)
      for (const QJsonObject& x : peers[i]->named("swarm_round"))
        for (const QJsonObject& y : peers[j]->named("swarm_round")) {
          if (x["outcome"] != "averaged" || y["outcome"] != "averaged" || x["epoch"] != y["epoch"] || x["kind"] != y["kind"])
            continue;
          if (x["digest"].toString().isEmpty() || x["digest"] != y["digest"]) {
            qWarning("epoch %d: %s ended with %s, %s with %s", x["epoch"].toInt(), qPrintable(peers[i]->name()),
                     qPrintable(x["digest"].toString()), qPrintable(peers[j]->name()), qPrintable(y["digest"].toString()));
            return -1;
          }
          ++compared;
        }
  return compared;
}

}  // namespace

class TestSwarmTraining : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

  QString freshFolder(const QString& name, const QString& mode = "sync", int averageStateEvery = 10, int targetBatch = 96) {
    const QString folder = dir_.filePath(name);
    QDir().mkpath(folder);
    QFile f(folder + "/project.toml");
    f.open(QIODevice::WriteOnly);
    f.write(project(true, mode, averageStateEvery, targetBatch));
    QFile alone(folder + "/alone.toml");
    alone.open(QIODevice::WriteOnly);
    alone.write(project(false));
    QFile other(folder + "/other.toml");
    other.open(QIODevice::WriteOnly);
    other.write(project(true, mode, averageStateEvery, targetBatch) + "[ema]\nenabled = true\n");
    return folder;
  }

 private slots:
  void aLatePeerTakesTheSwarmsStateAndEndsEqual() {
    // Rounds of 384 images (48 steps of 4 per peer while two train): long enough that the newcomer,
    // started at the swarm's second step, joins while the others still have rounds to go.
    const QString folder = freshFolder("join", "sync", 10, 384);
    Peer a(folder, "a", {});
    const QString bootstrap = bootstrapOf(a);
    QVERIFY2(!bootstrap.isEmpty(), qPrintable(a.errors()));
    Peer b(folder, "b", {"--swarm-peer", bootstrap});
    QVERIFY2(a.waitFor([](const QJsonObject& e) { return isStep(e, 2); }, 120000), qPrintable(a.errors()));
    Peer c(folder, "c", {"--swarm-peer", bootstrap});
    for (Peer* p : {&a, &b, &c}) {
      QVERIFY2(p->finish(240000), qPrintable(p->name() + " did not finish"));
      QVERIFY2(p->exitCode() == 0, qPrintable(p->name() + ": " + p->errors()));
    }
    // The newcomer started behind the swarm, took its state, and averaged with both others.
    bool downloaded = false;
    for (const QJsonObject& e : c.named("swarm")) downloaded |= e["state"] == "downloading_state";
    QVERIFY(downloaded);
    QVERIFY(c.named("step").first()["step"].toInt() > 2);
    int rounds = 0;
    for (const QJsonObject& e : c.named("swarm_round")) rounds += e["group_size"].toInt() == 3 && e["outcome"] == "averaged";
    QVERIFY2(rounds >= 2, qPrintable(QString::number(rounds)));
    // Epochs advance by one per round, up to the last step on every peer.
    for (Peer* p : {&a, &b, &c}) QCOMPARE(p->named("step").last()["step"].toInt(), kSteps);
    const QByteArray stateA = finalState(folder, "a");
    QVERIFY(!stateA.isEmpty());
    QVERIFY2(finalState(folder, "b") == stateA, "peer b's weights differ from a's");
    QVERIFY2(finalState(folder, "c") == stateA, "the late peer's weights differ from a's");
    QVERIFY(checkDigestsAgree({&a, &b, &c}) > 0);
  }

  void aKilledPeerCostsTheOthersAtMostTheTimeout() {
    const QString folder = freshFolder("kill");
    Peer a(folder, "a", {});
    const QString bootstrap = bootstrapOf(a);
    QVERIFY2(!bootstrap.isEmpty(), qPrintable(a.errors()));
    Peer b(folder, "b", {"--swarm-peer", bootstrap});
    Peer c(folder, "c", {"--swarm-peer", bootstrap});
    const auto threeAveraged = [](const QJsonObject& e) {
      return e["event"] == "swarm_round" && e["group_size"].toInt() == 3 && e["outcome"] == "averaged";
    };
    QVERIFY2(a.waitFor(threeAveraged, 180000), qPrintable(a.errors()));
    const int killedAt = a.named("step").isEmpty() ? 0 : a.named("step").last()["step"].toInt();
    c.kill();
    QElapsedTimer sinceKill;
    sinceKill.start();
    // The next round of the two that are left, within the matchmaking and averaging times.
    const auto nextStep = [killedAt](const QJsonObject& e) { return isStep(e, killedAt + 2); };
    QVERIFY2(a.waitFor(nextStep, 60000), qPrintable(a.errors()));
    QVERIFY2(sinceKill.elapsed() < 30000, qPrintable(QString::number(sinceKill.elapsed())));
    for (Peer* p : {&a, &b}) {
      QVERIFY2(p->finish(240000), qPrintable(p->name() + " did not finish"));
      QVERIFY2(p->exitCode() == 0, qPrintable(p->name() + ": " + p->errors()));
      QCOMPARE(p->named("step").last()["step"].toInt(), kSteps);
    }
    int pairs = 0;
    for (const QJsonObject& e : a.named("swarm_round")) pairs += e["epoch"].toInt() > killedAt + 1 && e["group_size"].toInt() == 2;
    QVERIFY2(pairs >= 1, "no round of the two peers left after the kill");
  }

  // DiLoCo across processes: two peers of local steps and outer rounds (8-bit by default). Rounds
  // follow the swarm's progress, so the two come to each round together and end it with the same
  // values; the outer step itself is checked in test_swarm_outer_step.
  void dilocoPeersTakeTheSameOuterSteps() {
    const QString folder = freshFolder("diloco", "diloco");
    // Rounds of 12 local steps per peer, a few seconds apart.
    const QString steps = "72";
    Peer a(folder, "a", {"--max-steps", steps});
    const QString bootstrap = bootstrapOf(a);
    QVERIFY2(!bootstrap.isEmpty(), qPrintable(a.errors()));
    Peer b(folder, "b", {"--max-steps", steps, "--swarm-peer", bootstrap});
    for (Peer* p : {&a, &b}) {
      QVERIFY2(p->finish(300000), qPrintable(p->name() + " did not finish"));
      QVERIFY2(p->exitCode() == 0, qPrintable(p->name() + ": " + p->errors()));
      QCOMPARE(p->named("step").last()["step"].toInt(), 72);
    }
    // Alone, a peer would take 6 rounds; the two together take about as many as their shared
    // windows, the peer that goes on after the other ends alone for the rest.
    for (Peer* p : {&a, &b}) {
      int together = 0;
      for (const QJsonObject& e : p->named("swarm_round")) together += e["group_size"].toInt() == 2 && e["outcome"] == "averaged";
      qInfo("%s: %d of %lld rounds together", qPrintable(p->name()), together,
            static_cast<long long>(p->named("swarm_round").size()));
      QVERIFY2(together >= 3, qPrintable(p->name() + ": " + QString::number(together) + " rounds together"));
    }
    QVERIFY(checkDigestsAgree({&a, &b}) >= 3);
    // Rounds overlap the next window (the default): the training waits for less than they take.
    for (Peer* p : {&a, &b}) {
      double took = 0, waited = 0;
      for (const QJsonObject& e : p->named("swarm_round")) {
        took += e["matchmaking_s"].toDouble() + e["averaging_s"].toDouble();
        waited += e["waited_s"].toDouble();
      }
      qInfo("%s: rounds took %.1f s, the training waited %.1f s", qPrintable(p->name()), took, waited);
      QVERIFY2(waited < 0.8 * took, qPrintable(p->name() + QString(": waited %1 s of %2 s").arg(waited).arg(took)));
    }
    // After a round together both train from the same outer weights and momentum; they are written
    // with every checkpoint (exchange/…) and loaded on resume.
    const auto stateA = tensorsOf(folder + "/out-a/checkpoints/step-00000072/state.safetensors", {"exchange/"});
    QVERIFY(stateA.count("exchange/outer_epoch") && stateA.count("exchange/outer_velocity.0") && stateA.count("exchange/window"));
  }

  // Every second epoch the peers also average their weights and AdamW moments, in rounds of their
  // own; members agree and the peers end bitwise equal. One of them is two workers (a machine's GPUs;
  // here two CPU processes): they average their gradients over their own group and rank 0 takes part
  // in the swarm for them.
  void peersOfOneAndTwoProcessesAverageGradientsAndState() {
    const QString folder = freshFolder("ranks", "sync", 2);
    Peer a(folder, "a", {"--cpu-processes", "2"});
    const QString bootstrap = bootstrapOf(a);
    QVERIFY2(!bootstrap.isEmpty(), qPrintable(a.errors()));
    Peer b(folder, "b", {"--swarm-peer", bootstrap});
    for (Peer* p : {&a, &b}) {
      QVERIFY2(p->finish(240000), qPrintable(p->name() + " did not finish"));
      QVERIFY2(p->exitCode() == 0, qPrintable(p->name() + ": " + p->errors()));
      QCOMPARE(p->named("step").last()["step"].toInt(), kSteps);
    }
    QCOMPARE(a.named("step").last()["rank_images_per_s"].toArray().size(), 2);
    for (Peer* p : {&a, &b})
      for (const char* kind : {"gradients", "state"}) {
        int together = 0;
        for (const QJsonObject& e : p->named("swarm_round"))
          together += e["kind"] == kind && e["outcome"] == "averaged" && e["group_size"].toInt() == 2;
        QVERIFY2(together >= 2, qPrintable(QString("%1: %2 %3 rounds together").arg(p->name(), kind).arg(together)));
      }
    QVERIFY(checkDigestsAgree({&a, &b}) >= 4);
    QVERIFY(!finalState(folder, "a").isEmpty());
    QVERIFY2(finalState(folder, "a") == finalState(folder, "b"), "the peers' weights differ");
  }

  // Peers of one run key must train one configuration: a peer with EMA on joining peers without it
  // is refused with the difference named, and the swarm goes on without it.
  void aPeerOfOtherSettingsIsRefusedWithTheDifferenceNamed() {
    const QString folder = freshFolder("foreign");
    Peer a(folder, "a", {"--max-steps", "4"});
    const QString bootstrap = bootstrapOf(a);
    QVERIFY2(!bootstrap.isEmpty(), qPrintable(a.errors()));
    QVERIFY2(a.waitFor([](const QJsonObject& e) { return isStep(e, 1); }, 120000), qPrintable(a.errors()));
    Peer b(folder, "b", {"--swarm-peer", bootstrap}, "other.toml");
    QVERIFY(b.finish(120000));
    QVERIFY(b.exitCode() != 0);
    const auto refused = b.waitFor([](const QJsonObject& e) { return e["event"] == "error"; }, 1000);
    QVERIFY2(refused, qPrintable(b.errors()));
    const QString message = (*refused)["message"].toString();
    qInfo("%s", qPrintable(message));
    QVERIFY2(message.contains("ema: theirs 0, ours 1"), qPrintable(message));
    QVERIFY(b.named("swarm_round").isEmpty());
    a.send(R"({"cmd":"stop","save":false})");
    QVERIFY(a.finish(120000));
    for (const QJsonObject& e : a.named("swarm_round")) QCOMPARE(e["group_size"].toInt(), 1);
  }

  void aTrainingJoinsAndLeavesByCommandThenResumesAlone() {
    const QString folder = freshFolder("command");
    const QString longer = QString::number(2 * kSteps);
    Peer a(folder, "a", {"--max-steps", longer});
    const QString bootstrap = bootstrapOf(a);
    QVERIFY2(!bootstrap.isEmpty(), qPrintable(a.errors()));
    Peer b(folder, "b", {"--max-steps", longer}, "alone.toml");
    QVERIFY2(b.waitFor([](const QJsonObject& e) { return isStep(e, 1); }, 120000), qPrintable(b.errors()));
    b.send(R"({"cmd":"swarm_join","run_key":"sdsrun-a-test-run-of-three-peers","peers":[")" + bootstrap.toUtf8() + R"("]})");
    // It takes the swarm's state (another step than its own) and averages with the peer there.
    const auto averaged = [](const QJsonObject& e) {
      return e["event"] == "swarm_round" && e["group_size"].toInt() == 2 && e["outcome"] == "averaged";
    };
    QVERIFY2(b.waitFor(averaged, 120000), qPrintable(b.errors()));
    bool downloaded = false;
    for (const QJsonObject& e : b.named("swarm")) downloaded |= e["state"] == "downloading_state";
    QVERIFY(downloaded);
    b.send(R"({"cmd":"swarm_leave"})");
    const auto left = b.waitFor([](const QJsonObject& e) { return e["event"] == "swarm" && e["state"] == "left"; }, 60000);
    QVERIFY2(left, qPrintable(b.errors()));
    // Alone again: it goes on stepping, then stops with a checkpoint.
    const int stepAtLeave = b.named("step").last()["step"].toInt();
    QVERIFY2(b.waitFor([stepAtLeave](const QJsonObject& e) { return isStep(e, stepAtLeave + 1); }, 60000),
             qPrintable(b.errors()));
    b.send(R"({"cmd":"stop","save":true})");
    QVERIFY(b.finish(120000));
    QCOMPARE(b.exitCode(), 4);  // stopped, resumable
    const int roundsBefore = b.named("swarm_round").size();
    a.send(R"({"cmd":"stop","save":false})");  // alone, each of its steps would take the whole target batch
    QVERIFY(a.finish(120000));
    QCOMPARE(a.exitCode(), 4);

    Peer resumed(folder, "b", {"--max-steps", longer, "--resume", "latest"}, "alone.toml");
    QVERIFY(resumed.finish(240000));
    QVERIFY2(resumed.exitCode() == 0, qPrintable(resumed.errors()));
    QCOMPARE(resumed.named("step").last()["step"].toInt(), 2 * kSteps);
    QVERIFY(resumed.named("swarm_round").isEmpty());
    QVERIFY(roundsBefore >= 1);
  }
};

QTEST_GUILESS_MAIN(TestSwarmTraining)
#include "test_swarm_training.moc"
