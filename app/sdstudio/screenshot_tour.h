#pragma once
// `sdstudio --screenshots DIR`: visits every page of the window, with a short training run of the
// open project on the Training page, and saves a grab of the screen for each to DIR, then quits.
// For the documentation's pictures and for looking at the window as a user sees it (under Xvfb too).
// It never waits for a person: a run folder with checkpoints is resumed, and any dialog is closed.

#include <QObject>
#include <QString>

namespace sds::widgets {
class MainWindow;
}

class ScreenshotTour : public QObject {
  Q_OBJECT
 public:
  ScreenshotTour(sds::widgets::MainWindow* window, const QString& folder, int trainSeconds);
  void start();

 private:
  void next();
  void shoot(const QString& name);
  void dismissDialogs();

  sds::widgets::MainWindow* window_;
  QString folder_;
  int trainSeconds_;
  int stage_ = 0;
};
