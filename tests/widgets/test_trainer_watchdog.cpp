// The studio against trainers that misbehave, played by small shell scripts in the trainer's place:
// one that prints garbage among its events, one that floods its output, one that writes a line with
// no end, one that stops responding (the Training page says so and ends it on request) and one that
// is silent but alive (its heartbeats keep the watchdog quiet).

#include <QApplication>
#include <QFile>
#include <QFrame>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "trainer_process.h"
#include "training_page.h"

using sds::widgets::TrainerProcess;
using sds::widgets::TrainingPage;

namespace {

constexpr char kHello[] = R"({"event":"hello","program":"sdtrain","protocol":1,"time":1,"version":"0.1.0"})";
constexpr char kHeartbeat[] = R"({"event":"heartbeat","time":2})";

// Log lines the process emitted, as "level: message".
QStringList logged(const QSignalSpy& spy) {
  QStringList out;
  for (const QList<QVariant>& args : spy) out << args.at(0).toString() + ": " + args.at(1).toString();
  return out;
}

}  // namespace

class TestTrainerWatchdog : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  // A trainer played by /bin/sh running `body`; returns the script's path.
  QString script(const QString& name, const QString& body) {
    const QString path = dir_.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    file.write(("#!/bin/sh\n" + body + "\n").toUtf8());
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
  }

  TrainerProcess::StartOptions options(const QString& program) {
    TrainerProcess::StartOptions o;
    o.project = dir_.filePath("project.toml");
    o.program = program;
    return o;
  }

 private slots:
  void garbageIsShownAndEventsStillArrive() {
    TrainerProcess trainer;
    QSignalSpy lines(&trainer, &TrainerProcess::logLine);
    QSignalSpy steps(&trainer, &TrainerProcess::validation);
    QSignalSpy ended(&trainer, &TrainerProcess::ended);
    QString error;
    const QString program = script("garbage.sh", QString("echo '%1'\n"
                                                         "printf 'PyTorch says hello\\n\\x01\\xff{\"event\":\\n[1,2]\\n'\n"
                                                         "echo '{\"event\":\"validation\",\"step\":3,\"loss\":0.5,\"time\":1}'\n"
                                                         "echo 'a warning on stderr' >&2")
                                                     .arg(kHello));
    QVERIFY2(trainer.start(options(program), &error), qPrintable(error));
    QVERIFY(ended.wait(10000) || !ended.isEmpty());
    QCOMPARE(ended.first().at(0).toString(), QString("finished"));
    QCOMPARE(steps.size(), 1);
    const QStringList log = logged(lines);
    QCOMPARE(log.filter("Unreadable line from the trainer").size(), 3);
    QVERIFY2(log.filter("PyTorch says hello").size() == 1, qPrintable(log.join('\n')));
    QVERIFY(log.contains("error: a warning on stderr"));
  }

  void aFloodIsCountedNotShownLineByLine() {
    TrainerProcess trainer;
    QSignalSpy lines(&trainer, &TrainerProcess::logLine);
    QSignalSpy ended(&trainer, &TrainerProcess::ended);
    QString error;
    // 200 000 lines of garbage on stdout and 100 000 on stderr, then one real event.
    const QString program =
        script("flood.sh", QString("echo '%1'\nyes 'garbage garbage garbage' | head -n 200000\n"
                                   "yes 'stderr noise' | head -n 100000 >&2\n"
                                   "echo '{\"event\":\"state\",\"state\":\"training\",\"time\":1}'")
                               .arg(kHello));
    QVERIFY2(trainer.start(options(program), &error), qPrintable(error));
    QVERIFY(ended.wait(60000) || !ended.isEmpty());
    QCOMPARE(trainer.state(), QString("training"));
    const QStringList log = logged(lines);
    // At most 50 stray lines a second are shown; the summaries count every one of the rest.
    const int shown = log.filter("garbage garbage").size() + log.filter("stderr noise").size();
    qint64 hidden = 0;
    for (const QList<QVariant>& args : lines) {
      const QString message = args.at(1).toString();
      if (message.contains("were not shown")) hidden += message.section(' ', 0, 0).toLongLong();
    }
    QVERIFY2(shown < 5000, qPrintable(QString::number(shown)));
    QCOMPARE(shown + hidden, qint64(300000));
    QVERIFY(trainer.recentLines().size() <= 40);
  }

  void aLineWithoutEndIsDropped() {
    TrainerProcess trainer;
    QSignalSpy lines(&trainer, &TrainerProcess::logLine);
    QSignalSpy ended(&trainer, &TrainerProcess::ended);
    QString error;
    // 80 MiB without a newline, then an event on a line of its own.
    const QString program =
        script("endless.sh", QString("echo '%1'\nhead -c 83886080 /dev/zero | tr '\\0' x\necho\n"
                                     "echo '{\"event\":\"state\",\"state\":\"sampling\",\"time\":1}'")
                                 .arg(kHello));
    QVERIFY2(trainer.start(options(program), &error), qPrintable(error));
    QVERIFY(ended.wait(60000) || !ended.isEmpty());
    QCOMPARE(trainer.state(), QString("sampling"));
    const QStringList log = logged(lines);
    QCOMPARE(log.filter("a line of more than 64 MiB").size(), 1);
    QCOMPARE(log.filter("Unreadable line").size(), 0);  // its tail after the cut is dropped too
  }

  void aSilentTrainerIsReportedAndEndedFromThePage() {
    TrainingPage page;
    page.trainer()->setUnresponsiveAfter(1500);
    qputenv("SDS_SDTRAIN", script("silent.sh", QString("echo '%1'\nexec sleep 60").arg(kHello)).toUtf8());
    QSignalSpy unresponsive(page.trainer(), &TrainerProcess::unresponsive);
    QSignalSpy ended(page.trainer(), &TrainerProcess::ended);
    QSignalSpy errors(page.trainer(), &TrainerProcess::error);
    page.show();
    QVERIFY(page.startRun(dir_.filePath("project.toml"), {}));
    QVERIFY(page.watchdogPanel()->isHidden());
    QVERIFY(unresponsive.wait(10000));
    QVERIFY(unresponsive.first().at(0).toInt() >= 1);
    QVERIFY(page.trainer()->isUnresponsive());
    QVERIFY(page.watchdogPanel()->isVisible());
    QVERIFY(page.trainer()->isRunning());
    page.endTrainerButton()->click();
    QVERIFY(ended.wait(10000) || !ended.isEmpty());
    QVERIFY(!page.trainer()->isRunning());
    QVERIFY(page.watchdogPanel()->isHidden());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().at(0).toString(), QString("The trainer was ended from the studio."));
    qunsetenv("SDS_SDTRAIN");
  }

  void heartbeatsKeepTheWatchdogQuietAndSilenceComesBack() {
    TrainerProcess trainer;
    trainer.setUnresponsiveAfter(2000);
    QSignalSpy unresponsive(&trainer, &TrainerProcess::unresponsive);
    QSignalSpy again(&trainer, &TrainerProcess::responsiveAgain);
    QSignalSpy ended(&trainer, &TrainerProcess::ended);
    QString error;
    // Alive for 3 s by heartbeats alone, then 5 s of silence, then one more heartbeat.
    const QString program = script(
        "beats.sh", QString("echo '%1'\nfor i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.3; echo '%2'; done\nsleep 5\necho '%2'")
                        .arg(kHello, kHeartbeat));
    QVERIFY2(trainer.start(options(program), &error), qPrintable(error));
    QTest::qWait(3000);
    QCOMPARE(unresponsive.size(), 0);
    QVERIFY(unresponsive.wait(5000));
    QVERIFY(again.wait(8000));
    QVERIFY(!trainer.isUnresponsive());
    QVERIFY(ended.wait(5000) || !ended.isEmpty());
    QCOMPARE(ended.first().at(0).toString(), QString("finished"));
  }
};

QTEST_MAIN(TestTrainerWatchdog)
#include "test_trainer_watchdog.moc"
