#pragma once
// Running the sdtrain binary as users and the GUI run it, for the end-to-end suites: exit code, stdout,
// stderr, and the JSON-lines events it printed.

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtTest>

#include <functional>

// sdtrain's exit codes (app/sdtrain/exit_codes.h, docs/cli.md).
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInvalidInput = 3;
constexpr int kExitStopped = 4;

struct Result {
  bool ran = false;  // started, finished in time and exited normally
  QString problem;
  int exitCode = -1;
  QByteArray out;
  QByteArray err;
};

inline Result sdtrain(const QStringList& arguments, const QString& workingDirectory = {}, int timeoutMs = 120000) {
  Result r;
  QProcess process;
  process.setProgram(QStringLiteral(SDS_SDTRAIN));
  process.setArguments(arguments);
  if (!workingDirectory.isEmpty()) process.setWorkingDirectory(workingDirectory);
  process.start();
  if (!process.waitForStarted(30000)) {
    r.problem = "cannot start " + process.program() + ": " + process.errorString();
    return r;
  }
  if (!process.waitForFinished(timeoutMs)) {
    process.kill();
    process.waitForFinished();
    r.problem = "sdtrain " + arguments.join(' ') + " did not finish";
    return r;
  }
  r.out = process.readAllStandardOutput();
  r.err = process.readAllStandardError();
  if (process.exitStatus() != QProcess::NormalExit) {
    r.problem = "sdtrain " + arguments.join(' ') + " crashed: " + QString::fromUtf8(r.err);
    return r;
  }
  r.ran = true;
  r.exitCode = process.exitCode();
  return r;
}

// Runs sdtrain and checks that it exited normally with the expected code, showing its output otherwise.
#define RUN(result, expectedCode, ...)                                                                      \
  const Result result = sdtrain(__VA_ARGS__);                                                               \
  QVERIFY2(result.ran, qPrintable(result.problem));                                                         \
  QVERIFY2(result.exitCode == (expectedCode),                                                               \
           qPrintable(QString("exit code %1, expected %2\nstdout:\n%3\nstderr:\n%4")                        \
                          .arg(result.exitCode)                                                             \
                          .arg(expectedCode)                                                                \
                          .arg(QString::fromUtf8(result.out), QString::fromUtf8(result.err))))

inline QStringList lines(const QByteArray& text) {
  QStringList out = QString::fromUtf8(text).split('\n');
  if (!out.isEmpty() && out.back().isEmpty()) out.removeLast();
  return out;
}

// Parses JSON-lines output; each line must be one JSON object with an "event" name and a "time".
inline QList<QJsonObject> events(const QByteArray& out, QString* problem) {
  QList<QJsonObject> list;
  for (const QString& line : lines(out)) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
    if (!doc.isObject()) {
      *problem = "not a JSON object: " + line;
      return {};
    }
    const QJsonObject object = doc.object();
    if (!object.value("event").isString() || !object.value("time").isDouble()) {
      *problem = "no event name or time: " + line;
      return {};
    }
    list << object;
  }
  return list;
}

// Reads JSON-lines events from a running process until `until` accepts one (or `timeoutMs` passes).
class EventStream {
 public:
  explicit EventStream(QProcess& process) : process_(process) {}
  bool waitFor(const std::function<bool(const QJsonObject&)>& until, int timeoutMs = 60000) {
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
      while (process_.canReadLine()) {
        const QJsonObject e = QJsonDocument::fromJson(process_.readLine()).object();
        all.append(e);
        if (until(e)) return true;
      }
      if (process_.state() == QProcess::NotRunning) return false;
      process_.waitForReadyRead(200);
    }
    return false;
  }
  void drain() {
    process_.waitForFinished(60000);
    while (process_.canReadLine()) all.append(QJsonDocument::fromJson(process_.readLine()).object());
  }
  QList<QJsonObject> all;

 private:
  QProcess& process_;
};
