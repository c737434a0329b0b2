// sdtrain when the disk fills during a run, played by a file-size limit (bash's ulimit -f with SIGXFSZ
// ignored, so writes past it fail as on a full disk): the checkpoint that does not fit ends the run
// with an error event that names it and offers the previous checkpoint, nothing partial stays behind,
// and once there is room again `--resume latest` continues from that checkpoint to the end.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "sdtrain_process.h"

namespace {

// Checkpoints every 2 steps of a 4-step run of the tiny model (its checkpoint is about 20 MB).
QByteArray project() {
  return R"([project]
name = "tiny"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = 4
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
[checkpointing]
every_n_steps = 2
keep_last = 3
[sampling]
every_n_steps = 0
[output]
directory = "out"
model_format = "diffusers"
save_precision = "fp32"
)";
}

// sdtrain with its files limited to `kib` KiB.
Result sdtrainWithFileLimit(int kib, const QStringList& arguments, const QString& workingDirectory) {
  Result r;
  QProcess process;
  process.setProgram("/bin/bash");
  process.setArguments(QStringList{"-c", QString("trap '' XFSZ; ulimit -f %1; exec \"$0\" \"$@\"").arg(kib),
                                   QStringLiteral(SDS_SDTRAIN)} +
                       arguments);
  process.setWorkingDirectory(workingDirectory);
  process.start();
  if (!process.waitForFinished(120000)) {
    process.kill();
    process.waitForFinished();
    r.problem = "sdtrain did not finish";
    return r;
  }
  r.out = process.readAllStandardOutput();
  r.err = process.readAllStandardError();
  r.ran = process.exitStatus() == QProcess::NormalExit;
  if (!r.ran) r.problem = "sdtrain crashed: " + QString::fromUtf8(r.err);
  r.exitCode = process.exitCode();
  return r;
}

QStringList checkpointFolders(const QString& run) {
  return QDir(run + "/checkpoints").entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
}

}  // namespace

class TestTrainingDiskFull : public QObject {
  Q_OBJECT

 private slots:
  void fullDiskAtACheckpointThenResume() {
    QTemporaryDir dir;
    {
      QFile file(dir.filePath("p.toml"));
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(project());
    }
    // Two steps with room: the checkpoint of step 2.
    RUN(first, kExitOk, {"--events", "jsonl", "train", "p.toml", "--max-steps", "2"}, dir.path());
    QCOMPARE(checkpointFolders(dir.filePath("out")), QStringList{"step-00000002"});

    // Resumed with files limited to 1 MiB: step 4's checkpoint cannot be written.
    const Result full = sdtrainWithFileLimit(1024, {"--events", "jsonl", "train", "p.toml", "--resume", "latest"}, dir.path());
    QVERIFY2(full.ran, qPrintable(full.problem));
    QCOMPARE(full.exitCode, kExitFailure);
    QString problem;
    const QList<QJsonObject> list = events(full.out, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QJsonObject error;
    for (const QJsonObject& e : list)
      if (e.value("event").toString() == "error") error = e;
    const QString message = error.value("message").toString();
    QVERIFY2(message.startsWith("cannot write the checkpoint of step 4 into " + dir.filePath("out/checkpoints")) &&
                 message.contains("File too large"),
             qPrintable(message));
    QVERIFY2(error.value("hint").toString().startsWith("make room on the disk"), qPrintable(error.value("hint").toString()));
    QVERIFY(error.value("resumable").toBool());
    QCOMPARE(error.value("checkpoint").toString(), dir.filePath("out/checkpoints/step-00000002"));
    QCOMPARE(checkpointFolders(dir.filePath("out")), QStringList{"step-00000002"});  // nothing partial

    // Room again: the run continues from step 2 and ends with its checkpoint and model.
    RUN(resumed, kExitOk, {"--events", "jsonl", "train", "p.toml", "--resume", "latest"}, dir.path());
    QVERIFY2(QString::fromUtf8(resumed.out).contains("resumed from " + dir.filePath("out/checkpoints/step-00000002") + " at step 2"),
             resumed.out.constData());
    QCOMPARE(checkpointFolders(dir.filePath("out")), (QStringList{"step-00000002", "step-00000004"}));
    QVERIFY(QFile::exists(dir.filePath("out/model/unet/diffusion_pytorch_model.safetensors")));
  }
};

QTEST_MAIN(TestTrainingDiskFull)
#include "test_training_disk_full.moc"
