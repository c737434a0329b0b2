#pragma once
// The Training page: Start / Pause / Resume / Stop / Save now / Sample now for an sdtrain child
// process, a status line saying what the trainer does, the progress bar with the rates, the loss
// chart and the trainer's log. When the trainer dies the page keeps what it showed, explains the
// failure with the last lines printed, and offers to resume from the last checkpoint.

#include <QElapsedTimer>
#include <QWidget>

#include "protocol/events.h"
#include "trainer_process.h"

class QFrame;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace sds::widgets {

class GpuPicker;
class LogTerminal;
class LossChart;
class ModelPicker;

class TrainingPage : public QWidget {
  Q_OBJECT
 public:
  explicit TrainingPage(QWidget* parent = nullptr);

  // Starts sdtrain on the saved project file; resume: "latest", a checkpoint folder or empty.
  // runFolder is where its checkpoints land (for resuming after a crash). False with a message shown
  // when the trainer cannot be started.
  bool startRun(const QString& projectFile, const QString& runFolder, const QString& resume = {});
  // Runs the built-in demo (both phases) in `folder`, whose run folder is runFolder.
  bool startDemo(const QString& folder, const QString& runFolder);

  TrainerProcess* trainer() const { return trainer_; }
  ModelPicker* modelPicker() const { return modelPicker_; }
  GpuPicker* gpuPicker() const { return gpuPicker_; }
  LossChart* chart() const { return chart_; }
  LogTerminal* terminal() const { return terminal_; }
  bool isRunning() const;
  qint64 lastStep() const { return lastStep_; }
  QString statusText() const;
  QProgressBar* progressBar() const { return progress_; }
  QFrame* errorPanel() const { return errorPanel_; }
  QPushButton* resumeButton() const { return resumeAfterError_; }
  QPushButton* startButton() const { return start_; }
  QPushButton* joinSwarmButton() const { return joinSwarm_; }
  QPushButton* pauseButton() const { return pause_; }
  // Shown while the trainer does not respond, offering to end it.
  QFrame* watchdogPanel() const { return watchdogPanel_; }
  QPushButton* endTrainerButton() const { return endTrainer_; }

 signals:
  // The user pressed Start: the window saves the project and calls startRun.
  void startRequested();
  // The user asked to resume after a failure: the window calls startRun with this checkpoint.
  void resumeRequested(const QString& checkpoint);
  // Join a swarm while this training runs (the Swarm page's dialog).
  void joinSwarmRequested();

 private:
  void onState(const QString& state, const QString& detail);
  void onProgress(const QString& phase, qint64 current, qint64 total);
  void onStep(const protocol::StepEvent& step);
  void onError(const QString& message, const QString& hint, bool resumable, const QString& checkpoint);
  void onEnded(const QString& outcome, int exitCode);
  void onUnresponsive(int seconds);
  QFrame* makeWatchdogPanel();
  bool launch(const TrainerProcess::StartOptions& options, const QString& announcement);
  void refreshButtons();
  void setStatus(const QString& text);

  TrainerProcess* trainer_ = nullptr;
  ModelPicker* modelPicker_ = nullptr;
  GpuPicker* gpuPicker_ = nullptr;
  LossChart* chart_ = nullptr;
  LogTerminal* terminal_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* pause_ = nullptr;
  QToolButton* stop_ = nullptr;
  QPushButton* save_ = nullptr;
  QPushButton* sample_ = nullptr;
  QPushButton* joinSwarm_ = nullptr;
  QLabel* status_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* rates_ = nullptr;
  QFrame* errorPanel_ = nullptr;
  QLabel* errorMessage_ = nullptr;
  QPlainTextEdit* errorLines_ = nullptr;
  QPushButton* resumeAfterError_ = nullptr;
  QFrame* watchdogPanel_ = nullptr;
  QLabel* watchdogMessage_ = nullptr;
  QPushButton* endTrainer_ = nullptr;
  QString resumeCheckpoint_;
  QString runFolder_;
  qint64 lastStep_ = 0;
  qint64 totalSteps_ = 0;
  double stepsPerSecond_ = 0;
  QElapsedTimer sinceLastStep_;
};

}  // namespace sds::widgets
