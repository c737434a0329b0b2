#include "training_page.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "symbol_icon.h"
#include "log_terminal.h"
#include "loss_chart.h"
#include "gpu_picker.h"
#include "model_picker.h"
#include "run_folder.h"
#include "trainer_process.h"

namespace sds::widgets {
namespace {

QString duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return QStringLiteral("–");
  const qint64 s = qint64(seconds + 0.5);
  return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                   : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

}  // namespace

TrainingPage::TrainingPage(QWidget* parent) : QWidget(parent) {
  trainer_ = new TrainerProcess(this);
  modelPicker_ = new ModelPicker(this);
  gpuPicker_ = new GpuPicker(this);
  gpuPicker_->refresh();

  start_ = new QPushButton(symbolIcon(Symbol::Start), tr("&Start"), this);
  start_->setToolTip(tr("Save the project and start training (continues the run when it has checkpoints)"));
  pause_ = new QPushButton(symbolIcon(Symbol::Pause), tr("&Pause"), this);
  pause_->setToolTip(tr("Finish the current step, then wait; press again to resume"));
  stop_ = new QToolButton(this);
  stop_->setIcon(symbolIcon(Symbol::Stop));
  stop_->setText(tr("S&top"));
  stop_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  stop_->setPopupMode(QToolButton::MenuButtonPopup);
  stop_->setToolTip(tr("Stop after writing a checkpoint, so the run can be resumed"));
  stop_->setAccessibleName(tr("Stop"));
  auto* stopMenu = new QMenu(stop_);
  stopMenu->addAction(tr("Stop and save a checkpoint"), this, [this] { trainer_->stop(true); });
  stopMenu->addAction(tr("Cancel without a checkpoint"), this, [this] { trainer_->stop(false); });
  stop_->setMenu(stopMenu);
  save_ = new QPushButton(symbolIcon(Symbol::Save), tr("Save &now"), this);
  save_->setToolTip(tr("Write a checkpoint now and keep training"));
  sample_ = new QPushButton(symbolIcon(Symbol::Sample), tr("Sa&mple now"), this);
  sample_->setToolTip(tr("Make sample images for the project's prompts now and keep training"));

  connect(start_, &QPushButton::clicked, this, &TrainingPage::startRequested);
  connect(pause_, &QPushButton::clicked, this, [this] {
    if (trainer_->state() == "paused") {
      trainer_->resume();
    } else {
      trainer_->pause();
    }
  });
  connect(stop_, &QToolButton::clicked, this, [this] { trainer_->stop(true); });
  connect(save_, &QPushButton::clicked, trainer_, &TrainerProcess::saveCheckpoint);
  connect(sample_, &QPushButton::clicked, trainer_, &TrainerProcess::sampleNow);
  joinSwarm_ = new QPushButton(symbolIcon(Symbol::Swarm), tr("Join a s&warm…"), this);
  joinSwarm_->setToolTip(tr("Train together with others from now on; this training goes on meanwhile"));
  connect(joinSwarm_, &QPushButton::clicked, this, &TrainingPage::joinSwarmRequested);

  auto* buttons = new QHBoxLayout;
  for (QWidget* w : std::initializer_list<QWidget*>{start_, pause_, stop_, save_, sample_, joinSwarm_})
    buttons->addWidget(w);
  buttons->addStretch(1);

  status_ = new QLabel(this);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont bold = status_->font();
  bold.setBold(true);
  status_->setFont(bold);
  progress_ = new QProgressBar(this);
  progress_->setAccessibleName(tr("Training progress"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  rates_ = new QLabel(this);
  rates_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  // Shown when a run fails: what happened, the last lines, and the way back.
  errorPanel_ = new QFrame(this);
  errorPanel_->setFrameShape(QFrame::StyledPanel);
  errorMessage_ = new QLabel(errorPanel_);
  errorMessage_->setWordWrap(true);
  errorMessage_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  errorLines_ = new QPlainTextEdit(errorPanel_);
  errorLines_->setReadOnly(true);
  errorLines_->setAccessibleName(tr("Last lines of the trainer"));
  errorLines_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  errorLines_->setMaximumHeight(fontMetrics().lineSpacing() * 8);
  resumeAfterError_ = new QPushButton(tr("&Resume from the last checkpoint"), errorPanel_);
  auto* dismiss = new QPushButton(tr("&Dismiss"), errorPanel_);
  connect(resumeAfterError_, &QPushButton::clicked, this, [this] { emit resumeRequested(resumeCheckpoint_); });
  connect(dismiss, &QPushButton::clicked, errorPanel_, &QWidget::hide);
  auto* errorIcon = new QLabel(errorPanel_);
  errorIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(32, 32));
  auto* errorTop = new QHBoxLayout;
  errorTop->addWidget(errorIcon, 0, Qt::AlignTop);
  errorTop->addWidget(errorMessage_, 1);
  auto* errorButtons = new QHBoxLayout;
  errorButtons->addStretch(1);
  errorButtons->addWidget(resumeAfterError_);
  errorButtons->addWidget(dismiss);
  auto* errorLayout = new QVBoxLayout(errorPanel_);
  errorLayout->addLayout(errorTop);
  errorLayout->addWidget(errorLines_);
  errorLayout->addLayout(errorButtons);
  errorPanel_->hide();

  watchdogPanel_ = makeWatchdogPanel();

  chart_ = new LossChart(this);
  terminal_ = new LogTerminal(this);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(chart_);
  splitter->addWidget(terminal_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  splitter->setChildrenCollapsible(false);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(modelPicker_);
  layout->addWidget(gpuPicker_);
  layout->addLayout(buttons);
  layout->addWidget(status_);
  layout->addWidget(progress_);
  layout->addWidget(rates_);
  layout->addWidget(errorPanel_);
  layout->addWidget(watchdogPanel_);
  layout->addWidget(splitter, 1);

  connect(trainer_, &TrainerProcess::logLine, terminal_, &LogTerminal::append);
  connect(trainer_, &TrainerProcess::stateChanged, this, &TrainingPage::onState);
  connect(trainer_, &TrainerProcess::progress, this, &TrainingPage::onProgress);
  connect(trainer_, &TrainerProcess::step, this, &TrainingPage::onStep);
  connect(trainer_, &TrainerProcess::validation, chart_, &LossChart::addValidation);
  connect(trainer_, &TrainerProcess::error, this, &TrainingPage::onError);
  connect(trainer_, &TrainerProcess::ended, this, &TrainingPage::onEnded);
  connect(trainer_, &TrainerProcess::unresponsive, this, &TrainingPage::onUnresponsive);
  connect(trainer_, &TrainerProcess::responsiveAgain, watchdogPanel_, &QWidget::hide);

  setStatus(tr("Idle. Press Start to train the project."));
  refreshButtons();
}

QFrame* TrainingPage::makeWatchdogPanel() {
  auto* panel = new QFrame(this);
  panel->setFrameShape(QFrame::StyledPanel);
  auto* icon = new QLabel(panel);
  icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32, 32));
  watchdogMessage_ = new QLabel(panel);
  watchdogMessage_->setWordWrap(true);
  endTrainer_ = new QPushButton(tr("&End the trainer"), panel);
  endTrainer_->setToolTip(tr("End the trainer process at once; the run can be resumed from its last checkpoint"));
  auto* wait = new QPushButton(tr("&Keep waiting"), panel);
  connect(endTrainer_, &QPushButton::clicked, this, [this] {
    watchdogPanel_->hide();
    trainer_->kill();
  });
  connect(wait, &QPushButton::clicked, panel, &QWidget::hide);
  auto* top = new QHBoxLayout;
  top->addWidget(icon, 0, Qt::AlignTop);
  top->addWidget(watchdogMessage_, 1);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(endTrainer_);
  buttons->addWidget(wait);
  auto* layout = new QVBoxLayout(panel);
  layout->addLayout(top);
  layout->addLayout(buttons);
  panel->hide();
  return panel;
}

bool TrainingPage::isRunning() const { return trainer_->isRunning(); }

QString TrainingPage::statusText() const { return status_->text(); }

void TrainingPage::setStatus(const QString& text) {
  status_->setText(text);
  status_->setAccessibleDescription(text);
}

bool TrainingPage::startRun(const QString& projectFile, const QString& runFolder, const QString& resume) {
  TrainerProcess::StartOptions options;
  options.project = projectFile;
  options.resume = resume;
  options.runFolder = runFolder;
  return launch(options, resume.isEmpty() ? tr("Starting the trainer for %1").arg(projectFile)
                                          : tr("Resuming %1 from %2").arg(projectFile, resume));
}

bool TrainingPage::startDemo(const QString& folder, const QString& runFolder) {
  TrainerProcess::StartOptions options;
  options.demoFolder = folder;
  options.runFolder = runFolder;
  return launch(options, tr("Starting the demo in %1: first the autoencoder, then the text-to-image model").arg(folder));
}

bool TrainingPage::launch(const TrainerProcess::StartOptions& options, const QString& announcement) {
  runFolder_ = options.runFolder;
  QString error;
  errorPanel_->hide();
  if (options.resume.isEmpty()) chart_->clear();
  if (!trainer_->start(options, &error)) {
    QMessageBox::critical(this, tr("Training"), error);
    return false;
  }
  lastStep_ = 0;
  stepsPerSecond_ = 0;
  sinceLastStep_.invalidate();
  terminal_->append("info", announcement);
  setStatus(tr("Starting the trainer…"));
  progress_->setRange(0, 0);  // busy until the first progress or step
  rates_->clear();
  refreshButtons();
  return true;
}

void TrainingPage::onState(const QString& state, const QString& detail) {
  QString text;
  if (state == "loading") text = tr("Loading the model…");
  else if (state == "scanning") text = tr("Scanning the dataset…");
  else if (state == "caching") text = tr("Caching latents and text embeddings…");
  else if (state == "training") text = tr("Training");
  else if (state == "sampling") text = tr("Making sample images…");
  else if (state == "saving") text = tr("Saving a checkpoint…");
  else if (state == "paused") text = tr("Paused at step %1. Press Resume to continue.").arg(lastStep_);
  else if (state == "stopping") text = tr("Stopping…");
  else if (state == "stopped") text = tr("Stopped at step %1; the run can be resumed.").arg(lastStep_);
  else if (state == "finished") text = tr("Finished: %1 steps.").arg(lastStep_);
  else if (state == "failed") text = tr("Failed.");
  else text = state;
  if (!detail.isEmpty() && state != "paused" && state != "stopped" && state != "finished") text += " " + detail;
  setStatus(text);
  refreshButtons();
}

void TrainingPage::onProgress(const QString& phase, qint64 current, qint64 total) {
  // Phases before the steps (scanning, caching) use the bar; steps take it over afterwards.
  if (trainer_->state() == "training") return;
  progress_->setRange(0, total > 0 ? int(std::min<qint64>(total, INT_MAX)) : 0);
  progress_->setValue(int(std::min<qint64>(current, INT_MAX)));
  progress_->setFormat(phase + ": %v / %m");
}

void TrainingPage::onStep(const protocol::StepEvent& step) {
  // Steps per second from the time between step events, smoothed; the first one only starts the clock.
  if (sinceLastStep_.isValid() && step.step > lastStep_) {
    const double seconds = sinceLastStep_.restart() / 1000.0 / double(step.step - lastStep_);
    if (seconds > 0) stepsPerSecond_ = stepsPerSecond_ > 0 ? 0.8 * stepsPerSecond_ + 0.2 / seconds : 1.0 / seconds;
  } else {
    sinceLastStep_.start();
  }
  // A step counting from the start again is the next run of the same process (the demo's second
  // phase): its chart starts afresh.
  if (step.step < lastStep_) chart_->clear();
  lastStep_ = step.step;
  totalSteps_ = step.total_steps;
  progress_->setRange(0, int(std::min<qint64>(step.total_steps, INT_MAX)));
  progress_->setValue(int(std::min<qint64>(step.step, INT_MAX)));
  progress_->setFormat(tr("Step %v of %m (%p%)"));
  chart_->addStep(step.step, step.loss, step.loss_smoothed, step.lr);

  const QLocale locale;
  QStringList parts;
  parts << tr("Time left: %1").arg(duration(step.eta_s));
  parts << tr("%1 images/s").arg(locale.toString(step.images_per_s, 'f', 1));
  if (stepsPerSecond_ > 0) parts << tr("%1 it/s").arg(locale.toString(stepsPerSecond_, 'f', 2));
  parts << tr("loss %1").arg(locale.toString(step.loss_smoothed, 'g', 4));
  parts << tr("epoch %1").arg(step.epoch);
  if (step.memory_gib) parts << tr("GPU memory %1 GiB").arg(locale.toString(*step.memory_gib, 'f', 1));
  // Several ranks (data-parallel training): each one's pace and GPU memory, on a line of their own.
  QStringList ranks;
  for (std::size_t r = 0; r < step.rank_images_per_s.size(); ++r) {
    const QString rate = locale.toString(step.rank_images_per_s[r], 'f', 1);
    ranks << (r < step.rank_memory_gib.size()
                  ? tr("rank %1: %2 images/s, %3 GiB").arg(r).arg(rate, locale.toString(step.rank_memory_gib[r], 'f', 1))
                  : tr("rank %1: %2 images/s").arg(r).arg(rate));
  }
  rates_->setText(parts.join(QStringLiteral("   ·   ")) +
                  (ranks.isEmpty() ? QString() : "\n" + ranks.join(QStringLiteral("   ·   "))));
}

void TrainingPage::onError(const QString& message, const QString& hint, bool resumable, const QString& checkpoint) {
  resumeCheckpoint_ = resumable ? checkpoint : QString();
  QString text = "<b>" + message.toHtmlEscaped() + "</b>";
  if (!hint.isEmpty()) text += "<br>" + hint.toHtmlEscaped();
  if (resumable) {
    const qint64 step = checkpointStep(checkpoint);
    text += "<br>" + (step >= 0 ? tr("The run can be resumed from its checkpoint at step %1.").arg(step)
                                : tr("The run can be resumed from %1.").arg(checkpoint.toHtmlEscaped()));
  }
  errorMessage_->setText(text);
  errorLines_->setPlainText(trainer_->recentLines().join('\n'));
  errorLines_->moveCursor(QTextCursor::End);
  resumeAfterError_->setVisible(resumable);
  errorPanel_->show();
  terminal_->append("error", message);
}

void TrainingPage::onEnded(const QString& outcome, int exitCode) {
  watchdogPanel_->hide();
  progress_->setRange(0, int(std::max<qint64>(totalSteps_, 1)));
  progress_->setValue(int(std::min<qint64>(lastStep_, INT_MAX)));
  if (outcome == "finished") {
    setStatus(tr("Finished: %1 steps. The trained model is in the run folder.").arg(lastStep_));
  } else if (outcome == "stopped") {
    setStatus(tr("Stopped at step %1; press Start to resume the run.").arg(lastStep_));
  } else {
    setStatus(tr("The trainer failed (exit code %1). See the message above.").arg(exitCode));
    if (errorPanel_->isHidden()) onError(tr("The trainer failed (exit code %1).").arg(exitCode), {}, false, {});
  }
  refreshButtons();
}

void TrainingPage::onUnresponsive(int seconds) {
  watchdogMessage_->setText(
      "<b>" + tr("The trainer has not responded for %n s.", "", seconds).toHtmlEscaped() + "</b><br>" +
      tr("It wrote nothing, not even the sign of life it gives every few seconds: it may be suspended, stuck in "
         "the GPU driver, or the computer may be swapping. Wait if the computer is busy; otherwise end it and "
         "resume from its last checkpoint.")
          .toHtmlEscaped());
  watchdogPanel_->show();
}

void TrainingPage::refreshButtons() {
  const bool running = trainer_->isRunning();
  const bool paused = running && trainer_->state() == "paused";
  start_->setEnabled(!running);
  pause_->setEnabled(running);
  pause_->setText(paused ? tr("&Resume") : tr("&Pause"));
  pause_->setIcon(symbolIcon(paused ? Symbol::Start : Symbol::Pause));
  stop_->setEnabled(running);
  save_->setEnabled(running);
  sample_->setEnabled(running);
  joinSwarm_->setEnabled(running);
}

}  // namespace sds::widgets
