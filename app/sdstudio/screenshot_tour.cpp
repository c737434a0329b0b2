#include "screenshot_tour.h"

#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QGuiApplication>
#include <QListWidget>
#include <QMessageBox>
#include <QPixmap>
#include <QScreen>
#include <QTimer>
#include <cstdio>

#include "main_window.h"
#include "samples_page.h"
#include "trainer_process.h"
#include "training_page.h"

ScreenshotTour::ScreenshotTour(sds::widgets::MainWindow* window, const QString& folder, int trainSeconds)
    : QObject(window), window_(window), folder_(folder), trainSeconds_(trainSeconds) {}

void ScreenshotTour::start() {
  QDir().mkpath(folder_);
  QTimer::singleShot(1500, this, &ScreenshotTour::next);
  // Nobody watches the tour: any dialog that opens anyway (a problem, a file name asked for) is
  // printed and closed, so the tour always ends.
  auto* watchdog = new QTimer(this);
  connect(watchdog, &QTimer::timeout, this, &ScreenshotTour::dismissDialogs);
  watchdog->start(250);
}

void ScreenshotTour::dismissDialogs() {
  QWidget* modal = QApplication::activeModalWidget();
  auto* dialog = qobject_cast<QDialog*>(modal);
  if (!dialog) return;
  QString text = dialog->windowTitle();
  if (auto* box = qobject_cast<QMessageBox*>(dialog)) text += ": " + box->text();
  std::fprintf(stderr, "sdstudio --screenshots: closed a dialog nobody could answer (%s)\n", qPrintable(text));
  std::fflush(stderr);
  dialog->reject();
}

void ScreenshotTour::shoot(const QString& name) {
  // The window's part of the screen as the X server shows it (with its frame and any open menu),
  // else the window's own rendering.
  const QRect frame = window_->frameGeometry();
  QPixmap picture = QGuiApplication::primaryScreen()->grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height());
  if (picture.isNull()) picture = window_->grab();
  const QString path = QDir(folder_).filePath(name + ".png");
  std::printf("%s %s\n", picture.save(path) ? "saved" : "could not save", qPrintable(path));
  std::fflush(stdout);
}

void ScreenshotTour::next() {
  using Page = sds::widgets::MainWindow::Page;
  sds::widgets::TrainingPage* training = window_->trainingPage();
  switch (stage_++) {
    case 0:
      window_->navigation()->setCurrentRow(Page::ProjectPageIndex);
      QTimer::singleShot(800, this, [this] { shoot("1-project"); next(); });
      return;
    case 1:
      window_->navigation()->setCurrentRow(Page::DatasetPageIndex);
      QTimer::singleShot(3000, this, [this] { shoot("2-dataset"); next(); });
      return;
    case 2:
      if (trainSeconds_ > 0 && window_->startTraining(sds::widgets::MainWindow::ExistingRun::Resume)) {
        QTimer::singleShot(trainSeconds_ * 1000, this, [this] { shoot("3-training"); next(); });
      } else {
        window_->navigation()->setCurrentRow(Page::TrainingPageIndex);
        QTimer::singleShot(800, this, [this] { shoot("3-training"); next(); });
      }
      return;
    case 3:
      window_->navigation()->setCurrentRow(Page::SamplesPageIndex);
      QTimer::singleShot(1500, this, [this] { shoot("4-samples"); next(); });
      return;
    default:
      if (training->isRunning()) {
        connect(training->trainer(), &sds::widgets::TrainerProcess::ended, qApp, &QApplication::quit);
        training->trainer()->stop(true);
      } else {
        QApplication::quit();
      }
  }
}
