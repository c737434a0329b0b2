#pragma once
// The studio's side of the trainer: runs `sdtrain --events jsonl train PROJECT` as a child process,
// turns its event lines into signals and sends commands to its stdin. The trainer never runs in the
// studio's process, so a crash, an out-of-memory kill or a CUDA error ends only the child; this class
// then says what happened, with the last lines it printed, and whether a checkpoint exists to resume.

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QStringList>

#include "protocol/events.h"

class QTimer;

namespace sds::widgets {

class TrainerProcess : public QObject {
  Q_OBJECT
 public:
  explicit TrainerProcess(QObject* parent = nullptr);
  ~TrainerProcess() override;

  struct StartOptions {
    QString project;      // the saved project file
    QString resume;       // "latest", a checkpoint folder, or empty for a new run
    qint64 maxSteps = 0;  // 0: the project's
    QString program;      // sdtrain; empty: sdtrainPath()
    QString runFolder;    // the run's folder, searched for checkpoints when the trainer dies silently
    // Set: run the built-in demo (`sdtrain demo --out demoFolder`, both of its phases) instead of
    // `train project`.
    QString demoFolder;
  };
  // Starts the trainer; false with the reason in *error when it cannot be started or one runs already.
  bool start(const StartOptions& options, QString* error);
  bool isRunning() const;
  QString state() const { return state_; }  // the last state event ("" before the first)

  // Commands (docs/protocol.md); ignored when no trainer runs.
  void pause();
  void resume();
  void stop(bool saveCheckpoint);
  void saveCheckpoint();
  void sampleNow();
  // Joins the swarm (a SwarmJoin command) or leaves it, at the trainer's next local step.
  void joinSwarm(const protocol::Command& join);
  void leaveSwarm();
  // Ends the trainer at once (the last resort; the window's close uses stop()). Its end is reported
  // as ended by the user, with the newest checkpoint to resume from.
  void kill();
  // Waits until the process ended; false on timeout.
  bool waitForFinished(int milliseconds);

  // The last lines the trainer logged or printed to stderr, oldest first (for failure reports).
  QStringList recentLines() const { return recent_; }
  // The newest checkpoint the trainer reported in this run, if any.
  QString lastCheckpoint() const { return lastCheckpoint_; }

  // The watchdog: a trainer writes a heartbeat event after 5 s without other output
  // (docs/protocol.md), so one silent for this long has stopped responding (suspended, hung in a
  // driver, or the machine swapping). Default 30 s.
  void setUnresponsiveAfter(int milliseconds) { unresponsiveAfterMs_ = milliseconds; }
  bool isUnresponsive() const { return unresponsive_; }

 signals:
  void started();
  void logLine(const QString& level, const QString& message);
  void stateChanged(const QString& state, const QString& detail);
  void progress(const QString& phase, qint64 current, qint64 total);
  void step(const sds::protocol::StepEvent& step);
  void validation(qint64 step, double loss);
  void sample(qint64 step, const QString& path, const QString& prompt, qint64 seed);
  void checkpoint(qint64 step, const QString& path);
  // The swarm as the trainer reports it (docs/protocol.md).
  void swarmState(const sds::protocol::SwarmEvent& event);
  void swarmStatus(const sds::protocol::SwarmStatusEvent& event);
  void swarmRound(const sds::protocol::SwarmRoundEvent& event);
  // An error event of the trainer, or a synthesized one when the process died without one.
  void error(const QString& message, const QString& hint, bool resumable, const QString& checkpoint);
  // The watchdog: the trainer has written nothing for `seconds`; and, later, that it writes again.
  void unresponsive(int seconds);
  void responsiveAgain();
  // The process ended. outcome: "finished", "stopped" (ended early, resumable), "failed" or "crashed".
  void ended(const QString& outcome, int exitCode);

 private:
  void readEvents();
  void readErrors();
  void handle(const protocol::Event& event);
  void onFinished(int exitCode, QProcess::ExitStatus status);
  void send(const protocol::Command& command);
  void remember(const QString& line);
  void noteOutput();
  void checkWatchdog();
  // Shows a line that is no event (stderr, garbage on stdout) unless too many came this second.
  void showStrayLine(const QString& level, const QString& text);
  void reportHiddenStrayLines();  // and starts the next second's window

  QProcess* process_ = nullptr;
  // Cuts a stream into lines; a line over kMaxLineBytes is dropped (and reported once, as a null
  // line) rather than kept growing while a broken trainer writes without newlines.
  struct LineSplitter {
    QList<QByteArray> take(const QByteArray& bytes);
    QByteArray pending;     // bytes after the last complete line
    bool dropping = false;  // inside a line too long to keep, until its newline
  };
  LineSplitter outLines_, errLines_;
  QString state_;
  QStringList recent_;
  QString lastCheckpoint_;
  QString runFolder_;   // for finding checkpoints when the trainer died before reporting one
  bool sawError_ = false;
  bool endedByUser_ = false;
  QTimer* watchdog_ = nullptr;
  QElapsedTimer sinceOutput_;  // restarted by every byte the trainer writes
  bool watching_ = false;      // from its hello on: a trainer of ours writes heartbeats
  bool unresponsive_ = false;
  int unresponsiveAfterMs_ = 30000;
  QElapsedTimer strayWindow_;  // one-second windows for the limit on stray lines
  int strayShown_ = 0;
  qint64 strayHidden_ = 0;
};

}  // namespace sds::widgets
