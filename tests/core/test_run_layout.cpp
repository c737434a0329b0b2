// The run folder's layout as the trainer writes it and the studio reads it: checkpoint folder names,
// which checkpoints are complete, which is the latest (by step number, whatever the padding), and
// where a project's run folder is.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "config/project.h"
#include "train/run_layout.h"

using namespace sds;

namespace {

// A checkpoint folder under `checkpoints`, complete (with its progress file) or not.
void makeCheckpoint(const QString& checkpoints, const QString& name, bool complete) {
  QVERIFY(QDir().mkpath(checkpoints + "/" + name));
  if (!complete) return;
  QFile progress(checkpoints + "/" + name + "/" + train::kCheckpointProgressFile);
  QVERIFY(progress.open(QIODevice::WriteOnly));
}

}  // namespace

class TestRunLayout : public QObject {
  Q_OBJECT

 private slots:
  void names() {
    QCOMPARE(QString::fromStdString(train::checkpointFolderName(500)), QString("step-00000500"));
    QCOMPARE(train::checkpointStep("step-00000500"), std::optional<std::int64_t>(500));
    QCOMPARE(train::checkpointStep("/runs/a/checkpoints/step-00000500/"), std::optional<std::int64_t>(500));
    QCOMPARE(train::checkpointStep("step-7"), std::optional<std::int64_t>(7));
    for (const char* other : {"step-00000500.partial", "step-", "steps-1", "step-1a", "notes", ""})
      QVERIFY2(!train::checkpointStep(other), other);
  }

  void latestIsTheHighestCompleteStep() {
    QTemporaryDir dir;
    const std::string run = dir.path().toStdString();
    QVERIFY(!train::latestCheckpoint(run));  // no checkpoints folder at all
    const QString checkpoints = QString::fromStdString(train::checkpointsFolder(run));
    makeCheckpoint(checkpoints, "step-00000007", true);
    makeCheckpoint(checkpoints, "step-12", true);              // copied by hand, unpadded: still step 12
    makeCheckpoint(checkpoints, "step-00000010", true);
    makeCheckpoint(checkpoints, "step-00000020", false);       // no progress file: incomplete
    makeCheckpoint(checkpoints, "step-00000030.partial", true);  // being written
    makeCheckpoint(checkpoints, "notes", true);
    const std::vector<std::string> all = train::completeCheckpoints(checkpoints.toStdString());
    QCOMPARE(all.size(), std::size_t(3));
    QVERIFY(QString::fromStdString(all[0]).endsWith("step-00000007"));
    QVERIFY(QString::fromStdString(all[1]).endsWith("step-00000010"));
    QVERIFY(QString::fromStdString(all[2]).endsWith("step-12"));
    QCOMPARE(train::latestCheckpoint(run), std::optional<std::string>(all[2]));
  }

  void runFolderOfAProject() {
    config::Project project;
    project.set("output.directory", std::string("out/../runs/a"));
    QCOMPARE(QString::fromStdString(train::runFolderOf(project, "/home/me/projects/p.toml")),
             QString("/home/me/projects/runs/a"));
    project.set("output.directory", std::string("/data/runs/b"));
    QCOMPARE(QString::fromStdString(train::runFolderOf(project, "/home/me/projects/p.toml")), QString("/data/runs/b"));
    project.set("output.directory", std::string("output"));
    QCOMPARE(QString::fromStdString(train::runFolderOf(project, "")), QDir::current().filePath("output"));
  }
};

QTEST_APPLESS_MAIN(TestRunLayout)
#include "test_run_layout.moc"
