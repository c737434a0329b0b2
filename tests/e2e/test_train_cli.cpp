// sdtrain train and sdtrain demo as a user and the studio drive them: a project file trained to the
// end, commands over stdin, SIGTERM with a checkpoint and a resume, and the demo learning the colours
// and shapes its prompts ask for.

#include <QtTest>

#include <QDir>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <map>

#include "data/demo_judgement.h"
#include "data/shapes_dataset.h"
#include "image/decode.h"
#include "image/png_writer.h"
#include "sdtrain_process.h"
#include "test_files.h"

namespace {

// A small from-scratch run on generated shapes; `steps` optimizer steps.
QByteArray tinyProject(int steps) {
  return QString(R"([project]
name = "tiny"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = %1
batch_size = 2
seed = 5
device = "cpu"
precision = "fp32"
[dataset]
path = "data"
kind = "shapes"
shapes_count = 8
min_image_size = 32
workers = 1
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[optimizer]
learning_rate = 0.0005
[checkpointing]
every_n_steps = 0
[sampling]
every_n_steps = 0
prompts = ["a red circle on a blue background"]
steps = 2
sampler = "ddim"
[output]
directory = "out"
model_format = "diffusers"
save_precision = "fp32"
)")
      .arg(steps)
      .toUtf8();
}

bool isEvent(const QJsonObject& e, const char* name) { return e.value("event").toString() == name; }

}  // namespace

class TestTrainCli : public QObject {
  Q_OBJECT

 private slots:
  void trainsAProjectToTheEnd() {
    QTemporaryDir dir;
    writeFile(dir.filePath("p.toml"), tinyProject(3));
    RUN(r, kExitOk, {"train", dir.filePath("p.toml")});
    QVERIFY2(r.out.contains("finished at step 3"), r.out.constData());
    QVERIFY(QFileInfo(dir.filePath("out/model/model_index.json")).isFile());
    QVERIFY(QFileInfo(dir.filePath("out/checkpoints/step-00000003/progress.json")).isFile());
    QVERIFY(!QDir(dir.filePath("out/logs")).entryList({"events.out.tfevents.*"}).isEmpty());
    // The trained model generates.
    RUN(g, kExitOk, {"generate", "--model", dir.filePath("out/model"), "--prompt", "a red circle", "--steps", "2",
                     "--seed", "1", "--out", dir.filePath("gen.png")});
    QVERIFY(QFileInfo(dir.filePath("gen.png")).isFile());
  }

  void invalidProjectIsRefused() {
    QTemporaryDir dir;
    QByteArray text = tinyProject(3);
    text.replace("size = 64", "size = 65");
    writeFile(dir.filePath("p.toml"), text);
    RUN(r, kExitInvalidInput, {"train", dir.filePath("p.toml")});
    QVERIFY2(r.err.contains("resolution.size"), r.err.constData());
  }

  void commandsAndSigtermThenResume() {
    QTemporaryDir dir;
    writeFile(dir.filePath("p.toml"), tinyProject(100000));
    QProcess process;
    process.setProgram(QStringLiteral(SDS_SDTRAIN));
    process.setArguments({"--events", "jsonl", "train", dir.filePath("p.toml")});
    process.start();
    QVERIFY(process.waitForStarted());
    EventStream stream(process);
    QVERIFY2(stream.waitFor([](const QJsonObject& e) { return isEvent(e, "step"); }), "no step event");
    process.write("{\"cmd\":\"sample\"}\n");
    QVERIFY2(stream.waitFor([](const QJsonObject& e) { return isEvent(e, "sample"); }), "no sample event");
    process.write("not a command\n");  // reported, and the run goes on
    process.terminate();  // SIGTERM
    stream.drain();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), kExitStopped);
    qint64 checkpointStep = -1, lastStep = -1;
    bool stopped = false, reportedBadLine = false;
    for (const QJsonObject& e : stream.all) {
      if (isEvent(e, "checkpoint")) checkpointStep = e.value("step").toInteger();
      if (isEvent(e, "step")) lastStep = e.value("step").toInteger();
      if (isEvent(e, "state") && e.value("state") == "stopped") stopped = true;
      if (isEvent(e, "log") && e.value("message").toString().contains("ignored command line")) reportedBadLine = true;
    }
    QVERIFY(stopped);
    QVERIFY(reportedBadLine);
    QVERIFY(lastStep >= 1);
    QCOMPARE(checkpointStep, lastStep);

    // Resumed, it continues with the next step.
    RUN(r, kExitOk, {"--events", "jsonl", "train", dir.filePath("p.toml"), "--resume", "latest", "--max-steps",
                     QString::number(lastStep + 2)});
    QString problem;
    qint64 firstStep = -1;
    for (const QJsonObject& e : events(r.out, &problem))
      if (isEvent(e, "step") && firstStep < 0) firstStep = e.value("step").toInteger();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(firstStep, lastStep + 1);
  }

  void demoInUnwritableFolderFails() {
    QTemporaryDir dir;
    writeFile(dir.filePath("taken"), "x");
    RUN(r, kExitFailure, {"demo", "--out", dir.filePath("taken")});
    QVERIFY2(r.err.contains("cannot prepare the demo folder"), r.err.constData());
  }

  // The demo, as a user runs it, learns what its prompts ask for: at its last sample step the judge
  // (data::judgeDemoSamples) reads both colours right in at least three of the four training-set
  // prompts and of the four held-out combinations, and the shape right in more than half of the eight
  // (DemoJudgement::learned, the demo's goal), and `sdtrain demo --check` says so. Deterministic on one
  // machine: seeded data, noise and order, one thread per process.
  void demoLearnsThePromptedColoursAndShapes() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("demo run");
    const Result r = sdtrain({"demo", "--out", folder}, {}, 40 * 60 * 1000);
    QVERIFY2(r.ran, qPrintable(r.problem));
    QVERIFY2(r.exitCode == kExitOk, r.err.constData());
    QVERIFY2(r.out.contains(("Samples: " + folder + "/output/samples").toUtf8()), r.out.constData());
    QVERIFY(QFileInfo(folder + "/demo_vae.toml").isFile());
    QVERIFY(QFileInfo(folder + "/output-vae/vae/config.json").isFile());
    QVERIFY(QFileInfo(folder + "/output/model/model_index.json").isFile());
    // The last sample step is the second phase's last step.
    const QRegularExpressionMatch steps =
        QRegularExpression("\\nmax_steps = (\\d+)\\n").match(readFile(folder + "/demo.toml"));
    QVERIFY(steps.hasMatch());
    const QString lastStep = steps.captured(1);
    const QStringList samples =
        QDir(folder + "/output/samples").entryList({QString("step-%1-p*.png").arg(lastStep.toInt(), 8, 10, QChar('0'))});
    QCOMPARE(samples.size(), 8);
    std::vector<std::pair<std::string, sds::data::ShapesReading>> readings;
    for (const QString& name : samples) {
      const std::string path = (folder + "/output/samples/" + name).toStdString();
      const auto text = sds::image::readPngText(path);
      QCOMPARE(text.at("step"), lastStep.toStdString());
      QCOMPARE(text.at("seed"), std::string("1234"));
      readings.emplace_back(text.at("prompt"), sds::data::readShapesImage(sds::image::decodeImageFile(path).take().image));
    }
    const sds::data::DemoJudgement judged = sds::data::judgeDemoSamples(readings);
    QString report = QString::fromStdString(judged.summary());
    for (const sds::data::JudgedSample& s : judged.samples)
      report += QString("\n\"%1\" → %2 %3 on %4").arg(s.prompt.c_str(), s.reading.colour.c_str(), s.reading.shape.c_str(),
                                                   s.reading.background.c_str());
    qInfo().noquote() << report;
    QCOMPARE(judged.trained, 4);
    QCOMPARE(judged.heldOut, 4);
    QVERIFY2(judged.trainedColoursRight >= 3 && judged.heldOutColoursRight >= 3, qPrintable(report));
    QVERIFY2(judged.shapesRight >= 5, qPrintable(report));
    QVERIFY(judged.learned());

    // sdtrain demo --check says the same, after judging the autoencoder's reconstructions.
    const Result check = sdtrain({"demo", "--check", "--out", folder});
    QVERIFY2(check.ran, qPrintable(check.problem));
    QCOMPARE(check.exitCode, kExitOk);
    QVERIFY2(check.out.contains(judged.summary().c_str()), check.out.constData());
    QVERIFY2(check.out.contains("autoencoder, reconstructions of 120 training images"), check.out.constData());
  }
};

QTEST_GUILESS_MAIN(TestTrainCli)
#include "test_train_cli.moc"
