// sdstudio started where there is no display (over SSH): --help and --version print and exit 0
// without opening one; without them, the GUI that cannot start says so in one plain sentence that
// points to sdtrain, and exits 1 instead of aborting.

#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

namespace {

struct Run {
  int exitCode = -1;
  QProcess::ExitStatus status = QProcess::CrashExit;
  QString out, err;
};

// sdstudio with no display at all: no DISPLAY, no WAYLAND_DISPLAY, no QT_QPA_PLATFORM.
Run runWithoutDisplay(const QStringList& arguments, const QString& display = {}) {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(name);
  if (!display.isEmpty()) env.insert("DISPLAY", display);
  QProcess process;
  process.setProcessEnvironment(env);
  process.start(SDS_SDSTUDIO, arguments);
  Run run;
  if (!process.waitForFinished(30000)) return run;
  run.exitCode = process.exitCode();
  run.status = process.exitStatus();
  run.out = QString::fromUtf8(process.readAllStandardOutput());
  run.err = QString::fromUtf8(process.readAllStandardError());
  return run;
}

}  // namespace

class TestStudioCli : public QObject {
  Q_OBJECT

 private slots:
  void helpWithoutDisplay_data() {
    QTest::addColumn<QString>("flag");
    for (const char* flag : {"--help", "-h", "--help-all"}) QTest::newRow(flag) << flag;
  }
  void helpWithoutDisplay() {
    QFETCH(QString, flag);
    const Run run = runWithoutDisplay({flag});
    QCOMPARE(run.status, QProcess::NormalExit);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("--demo") && run.out.contains("--theme") && run.out.contains("project"), qPrintable(run.out));
    QVERIFY2(!run.err.contains("platform plugin"), qPrintable(run.err));
  }

  void versionWithoutDisplay() {
    const Run run = runWithoutDisplay({"--version"});
    QCOMPARE(run.status, QProcess::NormalExit);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.startsWith("sdstudio "), qPrintable(run.out));
  }

  void guiWithoutDisplayExplainsItself_data() {
    QTest::addColumn<QString>("display");
    QTest::newRow("none set") << QString();
    QTest::newRow("unreachable") << QString(":97");  // no X server answers there
  }
  void guiWithoutDisplayExplainsItself() {
    QFETCH(QString, display);
    const Run run = runWithoutDisplay({}, display);
    QCOMPARE(run.status, QProcess::NormalExit);  // not an abort
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("the desktop window cannot start because") && run.err.contains("sdtrain"),
             qPrintable(run.err));
    // One plain sentence: Qt's own platform-plugin messages are not shown on top of it.
    QCOMPARE(run.err.trimmed().count('\n'), 0);
    if (!display.isEmpty()) QVERIFY2(run.err.contains(display), qPrintable(run.err));
  }
};

QTEST_GUILESS_MAIN(TestStudioCli)
#include "test_studio_cli.moc"
