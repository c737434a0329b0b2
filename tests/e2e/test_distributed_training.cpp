// Data-parallel training on the CPU (Gloo processes on localhost), as CI can run it: W ranks with batch
// b train what one process with batch W·b trains, with accumulation, 8-bit AdamW, EMA and LoRA; a run
// killed outright resumes bitwise; a rank that dies ends the run with one error event; torchrun's and
// SLURM's variables make sdtrain a rank of their group.

#include <QtTest>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cmath>
#include <csignal>
#include <cstring>

#include "io/safetensors.h"
#include "sdtrain_process.h"
#include "test_files.h"

namespace {

struct Run {
  int batch = 2;
  int accumulation = 1;
  int steps = 4;
  QString method = "full";
  QString optimizer = "adamw";
  bool ema = false;
  int checkpointEvery = 0;
  bool shard = false;  // training.shard_optimizer
};

// A from-scratch run on generated shapes, small enough for seconds per run.
QByteArray project(const Run& r) {
  return QString(R"([project]
name = "dp"
[model]
init = "scratch"
architecture = "tiny"
[training]
method = "%1"
max_steps = %2
batch_size = %3
gradient_accumulation = %4
seed = 11
device = "cpu"
shard_optimizer = %8
precision = "fp32"
[dataset]
path = "data"
kind = "shapes"
shapes_count = 12
min_image_size = 32
workers = 1
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[optimizer]
type = "%5"
learning_rate = 0.0005
[ema]
enabled = %6
decay = 0.9
[checkpointing]
every_n_steps = %7
keep_last = 0
[sampling]
every_n_steps = 0
prompts = ["a red circle on a blue background"]
steps = 2
sampler = "ddim"
[output]
directory = "out"
model_format = "diffusers"
save_precision = "fp32"
tensorboard = false
)")
      .arg(r.method)
      .arg(r.steps)
      .arg(r.batch)
      .arg(r.accumulation)
      .arg(r.optimizer)
      .arg(r.ema ? "true" : "false")
      .arg(r.checkpointEvery)
      .arg(r.shard ? "true" : "false")
      .toUtf8();
}

QList<double> stepLosses(const QByteArray& out) {
  QString problem;
  QList<double> losses;
  for (const QJsonObject& e : events(out, &problem))
    if (e.value("event") == "step") losses.append(e.value("loss").toDouble());
  return losses;
}

QString newestCheckpoint(const QString& runFolder) {
  const QStringList names = QDir(runFolder + "/checkpoints").entryList({"step-*"}, QDir::Dirs, QDir::Name);
  return names.isEmpty() ? QString() : runFolder + "/checkpoints/" + names.back();
}

// Adds a safetensors file's tensors to `out` as float64 vectors (other dtypes as their bytes).
void addTensors(const QString& path, std::map<std::string, std::vector<double>>& out) {
  const auto file = sds::io::SafetensorsFile::open(path.toStdString());
  for (const sds::io::TensorInfo& t : file.tensors()) {
    std::vector<double>& values = out[t.name];
    values.clear();  // shards repeat the optimizer's step count: the same value
    const std::uint8_t* data = file.data(t);
    if (t.dtype == sds::io::DType::F32) {
      for (std::int64_t i = 0; i < t.numel(); ++i) {
        float v;
        std::memcpy(&v, data + 4 * i, 4);
        values.push_back(v);
      }
    } else {  // 8-bit moments, counters: compared as bytes
      for (std::uint64_t i = 0; i < t.bytes(); ++i) values.push_back(data[i]);
    }
  }
}

// The checkpoint's tensors as float64 vectors, by name: the main file and the optimizer shards of a
// sharded run together.
std::map<std::string, std::vector<double>> checkpointTensors(const QString& checkpoint) {
  std::map<std::string, std::vector<double>> out;
  for (const QString& name : QDir(checkpoint).entryList({"*.safetensors"}, QDir::Files))
    addTensors(checkpoint + "/" + name, out);
  return out;
}

// Largest difference between two checkpoints' tensors of every kind (weights, optimizer, EMA).
double largestDifference(const QString& a, const QString& b, QString* problem) {
  const auto ta = checkpointTensors(a), tb = checkpointTensors(b);
  if (ta.size() != tb.size()) *problem = QString("%1 tensors against %2").arg(ta.size()).arg(tb.size());
  double largest = 0;
  for (const auto& [name, values] : ta) {
    const auto other = tb.find(name);
    if (other == tb.end() || other->second.size() != values.size()) {
      *problem = QString::fromStdString(name) + " is missing or has another size";
      return 1e9;
    }
    for (std::size_t i = 0; i < values.size(); ++i) largest = std::max(largest, std::abs(values[i] - other->second[i]));
  }
  return largest;
}

// How far the model weights of two checkpoints are apart: the norm of the difference over the norm of
// the weights, all trained tensors together; `worst` names the tensor with the largest share. Per
// element the runs cannot agree to 1e-6: Adam divides each gradient by its own magnitude, so a
// gradient that is zero up to rounding (which differs with how a batch is split) makes a full step of
// either sign. Those few elements weigh nothing in the norm.
double weightsRelativeError(const QString& a, const QString& b, QString* worst) {
  const auto ta = checkpointTensors(a), tb = checkpointTensors(b);
  double difference = 0, norm = 0, largest = -1;
  for (const auto& [name, values] : ta) {
    if (name.rfind("model/", 0) != 0) continue;
    const auto other = tb.find(name);
    if (other == tb.end() || other->second.size() != values.size()) {
      *worst = QString::fromStdString(name) + " differs in shape or is missing";
      return 1e9;
    }
    double tensorDifference = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      tensorDifference += (values[i] - other->second[i]) * (values[i] - other->second[i]);
      norm += other->second[i] * other->second[i];
    }
    difference += tensorDifference;
    if (tensorDifference > largest) {
      largest = tensorDifference;
      *worst = QString::fromStdString(name);
    }
  }
  return std::sqrt(difference / std::max(norm, 1e-300));
}

QByteArray fileBytes(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestDistributedTraining : public QObject {
  Q_OBJECT

 private slots:
  void ranksEqualOneProcess_data() {
    QTest::addColumn<int>("ranks");
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("accumulation");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("optimizer");
    QTest::addColumn<bool>("ema");
    QTest::newRow("2 ranks") << 2 << 2 << 1 << "full" << "adamw" << false;
    QTest::newRow("3 ranks, accumulation") << 3 << 1 << 2 << "full" << "adamw" << false;
    // 12 images in batches of 5 per rank × 2: the last batch of each epoch leaves rank 1 one image.
    QTest::newRow("2 ranks, uneven last batch") << 2 << 5 << 1 << "full" << "adamw" << false;
    QTest::newRow("2 ranks, 8-bit AdamW, EMA") << 2 << 2 << 1 << "full" << "adamw8bit" << true;
    QTest::newRow("3 ranks, LoRA") << 3 << 1 << 1 << "lora" << "adamw" << false;
  }

  // W ranks × batch b and 1 process × batch W·b: the same losses and weights (fp32, 1e-6 relative).
  void ranksEqualOneProcess() {
    QFETCH(int, ranks);
    QFETCH(int, batch);
    QFETCH(int, accumulation);
    QFETCH(QString, method);
    QFETCH(QString, optimizer);
    QFETCH(bool, ema);
    QTemporaryDir one, many;
    Run r;
    r.accumulation = accumulation;
    r.method = method;
    r.optimizer = optimizer;
    r.ema = ema;
    r.steps = 5;
    r.batch = batch * ranks;
    writeFile(one.filePath("p.toml"), project(r));
    r.batch = batch;
    writeFile(many.filePath("p.toml"), project(r));
    RUN(single, kExitOk, {"--events", "jsonl", "train", one.filePath("p.toml")});
    RUN(group, kExitOk,
        {"--events", "jsonl", "train", many.filePath("p.toml"), "--cpu-processes", QString::number(ranks)});

    const QList<double> expected = stepLosses(single.out), actual = stepLosses(group.out);
    QCOMPARE(actual.size(), 5);
    QCOMPARE(expected.size(), actual.size());
    for (int i = 0; i < actual.size(); ++i)
      QVERIFY2(std::abs(actual[i] - expected[i]) <= 1e-6 * std::abs(expected[i]),
               qPrintable(QString("step %1: loss %2 with %3 ranks, %4 in one process")
                              .arg(i + 1)
                              .arg(actual[i], 0, 'g', 10)
                              .arg(ranks)
                              .arg(expected[i], 0, 'g', 10)));
    QString worst;
    const double error = weightsRelativeError(newestCheckpoint(many.filePath("out")), newestCheckpoint(one.filePath("out")), &worst);
    qInfo("weights: relative difference %g (most in %s)", error, qPrintable(worst));
    QVERIFY2(error <= 1e-6, qPrintable(QString("weights differ by %1 (relative), most in %2").arg(error).arg(worst)));

    // Every step reports each rank's own pace.
    QString eventProblem;
    for (const QJsonObject& e : events(group.out, &eventProblem))
      if (e.value("event") == "step") {
        const QJsonArray rates = e.value("rank_images_per_s").toArray();
        QCOMPARE(rates.size(), ranks);
        for (const QJsonValue& rate : rates) QVERIFY(rate.toDouble() > 0);
      }
    // Rank 0 alone wrote the outputs, once.
    QCOMPARE(QDir(many.filePath("out/checkpoints")).entryList({"step-*"}, QDir::Dirs).size(), 1);
    QString problem;
    int finished = 0;
    for (const QJsonObject& e : events(group.out, &problem))
      if (e.value("event") == "state" && e.value("state") == "finished") ++finished;
    QCOMPARE(finished, 1);
  }

  void shardedOptimizerEqualsUnsharded_data() {
    QTest::addColumn<int>("ranks");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("optimizer");
    QTest::addColumn<bool>("ema");
    QTest::newRow("2 ranks") << 2 << "full" << "adamw" << false;
    QTest::newRow("3 ranks, 8-bit AdamW, EMA") << 3 << "full" << "adamw8bit" << true;
    QTest::newRow("2 ranks, LoRA") << 2 << "lora" << "adamw" << false;
  }

  // ZeRO-1: each rank steps its share of the parameters; weights, optimizer state and EMA end
  // bitwise equal to the unsharded run's, and rank 0 holds about 1/ranks of the optimizer state.
  void shardedOptimizerEqualsUnsharded() {
    QFETCH(int, ranks);
    QFETCH(QString, method);
    QFETCH(QString, optimizer);
    QFETCH(bool, ema);
    QTemporaryDir plain, sharded;
    Run r;
    r.method = method;
    r.optimizer = optimizer;
    r.ema = ema;
    r.steps = 4;
    r.checkpointEvery = 2;
    writeFile(plain.filePath("p.toml"), project(r));
    r.shard = true;
    writeFile(sharded.filePath("p.toml"), project(r));
    const QString n = QString::number(ranks);
    RUN(unsharded, kExitOk, {"--events", "jsonl", "train", plain.filePath("p.toml"), "--cpu-processes", n});
    RUN(zero, kExitOk, {"--events", "jsonl", "train", sharded.filePath("p.toml"), "--cpu-processes", n});

    const QString a = newestCheckpoint(plain.filePath("out")), b = newestCheckpoint(sharded.filePath("out"));
    QCOMPARE(QDir(b).entryList({"optimizer-shard-*.safetensors"}, QDir::Files).size(), ranks - 1);
    QString problem;
    const double difference = largestDifference(a, b, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(difference, 0.0);

    // The optimizer state rank 0 reports holding.
    auto stateMiB = [](const QByteArray& out) {
      QString p;
      const QRegularExpression re("\\[rank 0\\] training .* optimizer state ([0-9.]+) MiB");
      for (const QJsonObject& e : events(out, &p)) {
        const QRegularExpressionMatch m = re.match(e.value("message").toString());
        if (m.hasMatch()) return m.captured(1).toDouble();
      }
      return -1.0;
    };
    const double whole = stateMiB(unsharded.out), share = stateMiB(zero.out);
    qInfo("optimizer state on rank 0: %.3f MiB unsharded, %.3f MiB sharded over %d ranks", whole, share, ranks);
    QVERIFY(whole > 0 && share > 0);
    QVERIFY2(share < whole / ranks * 1.25, "rank 0 holds more than its share of the optimizer state");
  }

  // A sharded checkpoint is the whole state: it resumes on another number of ranks, sharded or not.
  void shardedCheckpointResumesAnywhere() {
    QTemporaryDir dir;
    Run r;
    r.steps = 6;
    r.checkpointEvery = 2;
    r.shard = true;
    writeFile(dir.filePath("p.toml"), project(r));
    RUN(first, kExitOk,
        {"--events", "jsonl", "train", dir.filePath("p.toml"), "--cpu-processes", "2", "--max-steps", "2"});
    RUN(second, kExitOk, {"--events", "jsonl", "train", dir.filePath("p.toml"), "--cpu-processes", "3", "--resume",
                          "latest", "--max-steps", "4"});
    RUN(third, kExitOk, {"--events", "jsonl", "train", dir.filePath("p.toml"), "--resume", "latest"});
    for (const auto& [out, expected] : {std::pair{second.out, 3}, std::pair{third.out, 5}}) {
      QString problem;
      qint64 firstStep = -1;
      for (const QJsonObject& e : events(out, &problem))
        if (e.value("event") == "step" && firstStep < 0) firstStep = e.value("step").toInteger();
      QCOMPARE(firstStep, qint64(expected));
    }
    QVERIFY(newestCheckpoint(dir.filePath("out")).endsWith("step-00000006"));
  }

  // A run killed outright (the launcher and its workers, SIGKILL) and resumed on as many ranks ends
  // bitwise equal to a run that was never interrupted.
  void resumeAfterSigkillIsBitwise_data() {
    QTest::addColumn<bool>("shard");
    QTest::newRow("optimizer on every rank") << false;
    QTest::newRow("sharded optimizer") << true;
  }
  void resumeAfterSigkillIsBitwise() {
    QFETCH(bool, shard);
    QTemporaryDir whole, killed;
    Run r;
    r.steps = 8;
    r.checkpointEvery = 2;
    r.shard = shard;
    writeFile(whole.filePath("p.toml"), project(r));
    writeFile(killed.filePath("p.toml"), project(r));
    RUN(reference, kExitOk, {"--events", "jsonl", "train", whole.filePath("p.toml"), "--cpu-processes", "2"});

    QProcess process;
    process.setProgram(QStringLiteral(SDS_SDTRAIN));
    process.setArguments({"--events", "jsonl", "train", killed.filePath("p.toml"), "--cpu-processes", "2"});
    process.start();
    QVERIFY(process.waitForStarted());
    EventStream stream(process);
    QVERIFY2(stream.waitFor([](const QJsonObject& e) { return e.value("event") == "checkpoint" && e.value("step") == 4; },
                            120000),
             "no checkpoint at step 4");
    ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
    process.waitForFinished();

    RUN(resumed, kExitOk,
        {"--events", "jsonl", "train", killed.filePath("p.toml"), "--cpu-processes", "2", "--resume", "latest"});
    const QString a = newestCheckpoint(whole.filePath("out")), b = newestCheckpoint(killed.filePath("out"));
    QVERIFY(a.endsWith("step-00000008"));
    QVERIFY(b.endsWith("step-00000008"));
    QString problem;
    QCOMPARE(largestDifference(a, b, &problem), 0.0);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(fileBytes(a + "/state.safetensors") == fileBytes(b + "/state.safetensors"),
             "the resumed run's final state differs from the uninterrupted run's");
  }

  // Resuming on another number of ranks continues at the same step and says the order was re-sharded.
  void resumeOnAnotherWorldSize() {
    QTemporaryDir dir;
    Run r;
    r.steps = 4;
    r.checkpointEvery = 2;
    writeFile(dir.filePath("p.toml"), project(r));
    RUN(first, kExitOk, {"--events", "jsonl", "train", dir.filePath("p.toml"), "--cpu-processes", "2", "--max-steps", "2"});
    RUN(second, kExitOk,
        {"--events", "jsonl", "train", dir.filePath("p.toml"), "--cpu-processes", "3", "--resume", "latest"});
    QString problem;
    bool said = false;
    qint64 firstStep = -1;
    for (const QJsonObject& e : events(second.out, &problem)) {
      if (e.value("event") == "log" && e.value("message").toString().contains("re-sharded")) said = true;
      if (e.value("event") == "step" && firstStep < 0) firstStep = e.value("step").toInteger();
    }
    QVERIFY2(said, second.out.constData());
    QCOMPARE(firstStep, 3);
  }

  // The studio's commands reach every rank through rank 0, and SIGTERM stops all ranks at one step
  // with one checkpoint.
  void commandsAndSigtermReachEveryRank() {
    QTemporaryDir dir;
    Run r;
    r.steps = 100000;
    writeFile(dir.filePath("p.toml"), project(r));
    QProcess process;
    process.setProgram(QStringLiteral(SDS_SDTRAIN));
    process.setArguments({"--events", "jsonl", "train", dir.filePath("p.toml"), "--cpu-processes", "2"});
    process.start();
    QVERIFY(process.waitForStarted());
    EventStream stream(process);
    QVERIFY2(stream.waitFor([](const QJsonObject& e) { return e.value("event") == "step"; }, 120000), "no step");
    process.write("{\"cmd\":\"sample\"}\n");
    QVERIFY2(stream.waitFor([](const QJsonObject& e) { return e.value("event") == "sample"; }), "no sample event");
    process.terminate();  // SIGTERM to the launcher
    stream.drain();
    const QList<QJsonObject>& seen = stream.all;
    QCOMPARE(process.exitCode(), kExitStopped);
    int samples = 0, checkpoints = 0, stopped = 0;
    qint64 lastStep = -1, checkpointStep = -2;
    for (const QJsonObject& e : seen) {
      if (e.value("event") == "sample") ++samples;
      if (e.value("event") == "checkpoint") {
        ++checkpoints;
        checkpointStep = e.value("step").toInteger();
      }
      if (e.value("event") == "state" && e.value("state") == "stopped") ++stopped;
      if (e.value("event") == "step") lastStep = e.value("step").toInteger();
    }
    QCOMPARE(samples, 1);
    QCOMPARE(checkpoints, 1);
    QCOMPARE(stopped, 1);
    QCOMPARE(checkpointStep, lastStep);
  }

  // A rank that dies ends the others promptly; one error event names it and the checkpoint.
  void killedRankEndsTheRun() {
    QTemporaryDir dir;
    Run r;
    r.steps = 100000;
    r.checkpointEvery = 2;
    writeFile(dir.filePath("p.toml"), project(r));
    QProcess process;
    process.setProgram(QStringLiteral(SDS_SDTRAIN));
    process.setArguments({"--events", "jsonl", "--log-level", "debug", "train", dir.filePath("p.toml"),
                          "--cpu-processes", "2"});
    process.start();
    QVERIFY(process.waitForStarted());
    EventStream stream(process);
    QVERIFY2(stream.waitFor([](const QJsonObject& e) { return e.value("event") == "checkpoint"; }, 120000),
             "no checkpoint");
    const QList<QJsonObject>& seen = stream.all;
    qint64 rank1 = -1;
    const QRegularExpression pidLine("rank 1 is process (\\d+)");
    for (const QJsonObject& e : seen) {
      const QRegularExpressionMatch m = pidLine.match(e.value("message").toString());
      if (m.hasMatch()) rank1 = m.captured(1).toLongLong();
    }
    QVERIFY2(rank1 > 0, "the launcher did not name rank 1's process");
    QElapsedTimer timer;
    timer.start();
    ::kill(static_cast<pid_t>(rank1), SIGKILL);
    stream.drain();
    const qint64 tookMs = timer.elapsed();
    QCOMPARE(process.exitCode(), kExitFailure);
    QList<QJsonObject> errors;
    for (const QJsonObject& e : seen)
      if (e.value("event") == "error") errors.append(e);
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors[0].value("message").toString().startsWith("rank 1 was killed by signal 9"),
             qPrintable(errors[0].value("message").toString()));
    QVERIFY(errors[0].value("resumable").toBool());
    QVERIFY(errors[0].value("checkpoint").toString().contains("/checkpoints/step-"));
    QVERIFY2(tookMs < 30000, qPrintable(QString("the run took %1 ms to end").arg(tookMs)));
  }

  // torchrun's and SLURM's variables: each sdtrain process joins their group as the rank they name.
  void launcherVariablesAreHonoured_data() {
    QTest::addColumn<QString>("launcher");
    QTest::newRow("torchrun") << "torchrun";
    QTest::newRow("slurm") << "slurm";
  }
  void launcherVariablesAreHonoured() {
    QFETCH(QString, launcher);
    QTemporaryDir one, many;
    Run r;
    r.batch = 4;
    writeFile(one.filePath("p.toml"), project(r));
    r.batch = 2;
    writeFile(many.filePath("p.toml"), project(r));
    RUN(single, kExitOk, {"--events", "jsonl", "train", one.filePath("p.toml")});

    QProcess ranks[2];
    const QString port = QString::number(29000 + QCoreApplication::applicationPid() % 1000);
    for (int rank = 0; rank < 2; ++rank) {
      QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
      if (launcher == "torchrun") {
        env.insert("RANK", QString::number(rank));
        env.insert("WORLD_SIZE", "2");
        env.insert("LOCAL_RANK", QString::number(rank));
        env.insert("MASTER_ADDR", "127.0.0.1");
      } else {
        env.insert("SLURM_PROCID", QString::number(rank));
        env.insert("SLURM_NTASKS", "2");
        env.insert("SLURM_LOCALID", QString::number(rank));
        env.insert("SLURM_JOB_NODELIST", "localhost");
      }
      env.insert("MASTER_PORT", port);
      ranks[rank].setProcessEnvironment(env);
      ranks[rank].setProgram(QStringLiteral(SDS_SDTRAIN));
      ranks[rank].setArguments({"--events", "jsonl", "train", many.filePath("p.toml")});
      ranks[rank].start();
    }
    for (QProcess& p : ranks) {
      QVERIFY(p.waitForFinished(120000));
      QVERIFY2(p.exitCode() == kExitOk, p.readAllStandardError().constData());
    }
    const QByteArray out0 = ranks[0].readAllStandardOutput(), out1 = ranks[1].readAllStandardOutput();
    const QList<double> expected = stepLosses(single.out), actual = stepLosses(out0);
    QCOMPARE(actual.size(), expected.size());
    for (int i = 0; i < actual.size(); ++i) QVERIFY(std::abs(actual[i] - expected[i]) <= 1e-6 * std::abs(expected[i]));
    QVERIFY2(stepLosses(out1).isEmpty(), "rank 1 reported steps: only rank 0 reports");
    QVERIFY(QFileInfo(many.filePath("out/model")).isDir());
  }

  void badLauncherVariablesAreRefused() {
    QTemporaryDir dir;
    writeFile(dir.filePath("p.toml"), project(Run{}));
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("RANK", "2");
    env.insert("WORLD_SIZE", "2");
    p.setProcessEnvironment(env);
    p.setProgram(QStringLiteral(SDS_SDTRAIN));
    p.setArguments({"train", dir.filePath("p.toml")});
    p.start();
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), kExitInvalidInput);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains("RANK is \"2\""), err.constData());
  }
};

QTEST_GUILESS_MAIN(TestDistributedTraining)
#include "test_distributed_training.moc"
