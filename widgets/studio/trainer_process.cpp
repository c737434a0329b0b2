#include "trainer_process.h"

#include <QFileInfo>
#include <QTimer>

#include "run_folder.h"
#include "trainer_location.h"

namespace sds::widgets {
namespace {

constexpr int kRecentLines = 40;
// A line longer than this is no event of ours (the largest, a dataset report, stays far below): it
// is dropped rather than kept growing in memory while a broken trainer writes without newlines.
constexpr qsizetype kMaxLineBytes = qsizetype(64) << 20;
// Lines that are no events (stderr, garbage on stdout) shown per second; the rest are counted.
constexpr int kStrayLinesPerSecond = 50;
constexpr qsizetype kShownLineBytes = 2000;  // of a stray line
// sdtrain's exit codes (docs/cli.md).
constexpr int kExitOk = 0;
constexpr int kExitStopped = 4;

QString qs(const std::string& text) { return QString::fromStdString(text); }

}  // namespace

TrainerProcess::TrainerProcess(QObject* parent) : QObject(parent) {
  watchdog_ = new QTimer(this);
  watchdog_->setInterval(1000);
  connect(watchdog_, &QTimer::timeout, this, &TrainerProcess::checkWatchdog);
}

TrainerProcess::~TrainerProcess() {
  // The owner decides how a run ends (stop with a checkpoint, or cancel); a trainer still running
  // when the studio goes away is ended rather than left behind.
  if (isRunning()) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(5000);
  }
}

bool TrainerProcess::isRunning() const { return process_ && process_->state() != QProcess::NotRunning; }

bool TrainerProcess::start(const StartOptions& options, QString* error) {
  if (isRunning()) {
    *error = tr("A training run is already in progress.");
    return false;
  }
  const QString program = options.program.isEmpty() ? sdtrainPath() : options.program;
  if (program.isEmpty()) {
    *error = tr("The trainer (sdtrain) was not found beside sdstudio or on the PATH; set SDS_SDTRAIN to its "
                "location.");
    return false;
  }
  QStringList arguments{"--events", "jsonl"};
  if (options.demoFolder.isEmpty()) {
    arguments << "train" << options.project;
    if (!options.resume.isEmpty()) arguments << "--resume" << options.resume;
  } else {
    arguments << "demo" << "--out" << options.demoFolder;  // each phase resumes by itself
  }
  if (options.maxSteps > 0) arguments << "--max-steps" << QString::number(options.maxSteps);

  if (process_) process_->deleteLater();
  process_ = new QProcess(this);
  process_->setProgram(program);
  process_->setArguments(arguments);
  process_->setWorkingDirectory(options.demoFolder.isEmpty() ? QFileInfo(options.project).absolutePath()
                                                             : options.demoFolder);
  connect(process_, &QProcess::readyReadStandardOutput, this, &TrainerProcess::readEvents);
  connect(process_, &QProcess::readyReadStandardError, this, &TrainerProcess::readErrors);
  connect(process_, &QProcess::finished, this, &TrainerProcess::onFinished);
  outLines_ = {};
  errLines_ = {};
  recent_.clear();
  state_.clear();
  lastCheckpoint_.clear();
  runFolder_ = options.runFolder;
  sawError_ = false;
  endedByUser_ = false;
  watching_ = false;
  unresponsive_ = false;
  strayShown_ = 0;
  strayHidden_ = 0;
  strayWindow_.start();
  process_->start();
  if (!process_->waitForStarted(30000)) {
    *error = tr("The trainer %1 could not be started: %2").arg(program, process_->errorString());
    return false;
  }
  sinceOutput_.start();
  watchdog_->start();
  emit started();
  return true;
}

void TrainerProcess::send(const protocol::Command& command) {
  if (!isRunning()) return;
  const std::string line = protocol::encode(command) + "\n";
  process_->write(line.data(), qint64(line.size()));
}

void TrainerProcess::pause() { send({protocol::Command::Kind::Pause}); }
void TrainerProcess::resume() { send({protocol::Command::Kind::Resume}); }
void TrainerProcess::stop(bool saveCheckpoint) { send({protocol::Command::Kind::Stop, saveCheckpoint}); }
void TrainerProcess::saveCheckpoint() { send({protocol::Command::Kind::Save}); }
void TrainerProcess::sampleNow() { send({protocol::Command::Kind::Sample}); }
void TrainerProcess::joinSwarm(const protocol::Command& join) {
  if (join.kind == protocol::Command::Kind::SwarmJoin) send(join);
}
void TrainerProcess::leaveSwarm() { send({protocol::Command::Kind::SwarmLeave}); }

void TrainerProcess::kill() {
  if (!isRunning()) return;
  endedByUser_ = true;
  process_->kill();
}

bool TrainerProcess::waitForFinished(int milliseconds) {
  return !isRunning() || process_->waitForFinished(milliseconds);
}

void TrainerProcess::remember(const QString& line) {
  recent_ << line;
  if (recent_.size() > kRecentLines) recent_.removeFirst();
}

void TrainerProcess::noteOutput() {
  sinceOutput_.restart();
  if (!unresponsive_) return;
  unresponsive_ = false;
  emit logLine("info", tr("The trainer responds again."));
  emit responsiveAgain();
}

void TrainerProcess::checkWatchdog() {
  if (!isRunning()) {
    watchdog_->stop();
    return;
  }
  if (strayWindow_.elapsed() >= 1000) reportHiddenStrayLines();
  if (!watching_ || unresponsive_ || sinceOutput_.elapsed() < unresponsiveAfterMs_) return;
  // Output may wait in the pipe unread when the studio itself was busy: read it before blaming the trainer.
  if (process_->waitForReadyRead(0) || sinceOutput_.elapsed() < unresponsiveAfterMs_) return;
  unresponsive_ = true;
  const int seconds = int(sinceOutput_.elapsed() / 1000);
  emit logLine("warn", tr("The trainer has written nothing for %n s, not even its heartbeat.", "", seconds));
  emit unresponsive(seconds);
}

void TrainerProcess::reportHiddenStrayLines() {
  if (strayHidden_ > 0)
    emit logLine("warn", tr("%n more lines from the trainer that were no events were not shown.", "",
                            int(std::min<qint64>(strayHidden_, INT_MAX))));
  strayWindow_.restart();
  strayShown_ = 0;
  strayHidden_ = 0;
}

void TrainerProcess::showStrayLine(const QString& level, const QString& text) {
  if (strayWindow_.elapsed() >= 1000) reportHiddenStrayLines();
  remember(text);
  if (strayShown_ < kStrayLinesPerSecond) {
    ++strayShown_;
    emit logLine(level, text);
  } else {
    ++strayHidden_;
  }
}

void TrainerProcess::readEvents() {
  const QByteArray bytes = process_->readAllStandardOutput();
  if (bytes.isEmpty()) return;
  noteOutput();
  for (const QByteArray& line : outLines_.take(bytes)) {
    if (line.isNull()) {
      showStrayLine("warn", tr("The trainer wrote a line of more than %1 MiB; it was dropped.").arg(kMaxLineBytes >> 20));
      continue;
    }
    try {
      if (const std::optional<protocol::Event> event = protocol::decodeEvent(line.toStdString())) handle(*event);
    } catch (const protocol::ProtocolError& e) {
      // A line that is no event (a library printing to stdout): shown, never fatal.
      showStrayLine("warn", tr("Unreadable line from the trainer (%1): %2")
                                .arg(qs(e.what()), QString::fromUtf8(line.left(kShownLineBytes))));
    }
  }
}

void TrainerProcess::readErrors() {
  // stderr carries what a dying process prints (a crash report, the C++ runtime's last words).
  const QByteArray bytes = process_->readAllStandardError();
  if (bytes.isEmpty()) return;
  noteOutput();
  for (const QByteArray& line : errLines_.take(bytes))
    showStrayLine("error", line.isNull() ? tr("The trainer wrote a line of more than %1 MiB to stderr; it was dropped.")
                                               .arg(kMaxLineBytes >> 20)
                                         : QString::fromUtf8(line.left(kShownLineBytes)));
}

QList<QByteArray> TrainerProcess::LineSplitter::take(const QByteArray& bytes) {
  QList<QByteArray> lines;
  pending += bytes;
  qsizetype start = 0, newline;
  while ((newline = pending.indexOf('\n', start)) >= 0) {
    const QByteArray line = pending.mid(start, newline - start).trimmed();
    start = newline + 1;
    if (dropping) {  // the end of a line too long to keep
      dropping = false;
      continue;
    }
    if (!line.isEmpty()) lines << line;
  }
  pending.remove(0, start);
  if (pending.size() > kMaxLineBytes) {
    pending.clear();
    if (!dropping) lines << QByteArray();  // null: reported as dropped
    dropping = true;
  }
  return lines;
}

void TrainerProcess::handle(const protocol::Event& event) {
  if (std::holds_alternative<protocol::HelloEvent>(event)) watching_ = true;  // ours: it writes heartbeats
  if (const auto* log = std::get_if<protocol::LogEvent>(&event)) {
    const QString message = qs(log->message);
    remember(message);
    emit logLine(qs(log->level), message);
  } else if (const auto* state = std::get_if<protocol::StateEvent>(&event)) {
    state_ = qs(state->state);
    emit stateChanged(state_, qs(state->detail));
  } else if (const auto* p = std::get_if<protocol::ProgressEvent>(&event)) {
    emit progress(qs(p->phase), p->current, p->total);
  } else if (const auto* s = std::get_if<protocol::StepEvent>(&event)) {
    emit step(*s);
  } else if (const auto* v = std::get_if<protocol::ValidationEvent>(&event)) {
    emit validation(v->step, v->loss);
  } else if (const auto* sample = std::get_if<protocol::SampleEvent>(&event)) {
    emit this->sample(sample->step, qs(sample->path), qs(sample->prompt), sample->seed);
  } else if (const auto* c = std::get_if<protocol::CheckpointEvent>(&event)) {
    lastCheckpoint_ = qs(c->path);
    emit checkpoint(c->step, lastCheckpoint_);
  } else if (const auto* swarm = std::get_if<protocol::SwarmEvent>(&event)) {
    emit swarmState(*swarm);
  } else if (const auto* status = std::get_if<protocol::SwarmStatusEvent>(&event)) {
    emit swarmStatus(*status);
  } else if (const auto* round = std::get_if<protocol::SwarmRoundEvent>(&event)) {
    emit swarmRound(*round);
  } else if (const auto* e = std::get_if<protocol::ErrorEvent>(&event)) {
    sawError_ = true;
    remember(qs(e->message));
    emit error(qs(e->message), qs(e->hint), e->resumable, qs(e->checkpoint));
  }
}

void TrainerProcess::onFinished(int exitCode, QProcess::ExitStatus status) {
  readEvents();
  readErrors();
  reportHiddenStrayLines();
  watchdog_->stop();
  unresponsive_ = false;
  const bool crashed = status == QProcess::CrashExit;
  if (!crashed && exitCode == kExitOk) {
    emit ended("finished", exitCode);
    return;
  }
  if (!crashed && exitCode == kExitStopped) {
    emit ended("stopped", exitCode);
    return;
  }
  if (!sawError_) {
    // Killed (out of memory, by the user or the system) or crashed before it could report: say so
    // and look for a checkpoint to resume from ourselves.
    QString checkpoint = lastCheckpoint_;
    if (checkpoint.isEmpty() && !runFolder_.isEmpty()) checkpoint = latestCheckpoint(runFolder_);
    const QString message =
        endedByUser_ ? tr("The trainer was ended from the studio.")
        : crashed ? tr("The trainer stopped unexpectedly (it crashed or was killed, for example by the system "
                     "when memory ran out).")
                : tr("The trainer ended with exit code %1 without reporting why.").arg(exitCode);
    emit error(message, tr("The last lines it printed are shown below."), !checkpoint.isEmpty(), checkpoint);
  }
  emit ended(crashed ? "crashed" : "failed", exitCode);
}

}  // namespace sds::widgets
