#pragma once
// The way in for a first run, at the top of the Project page: the three steps (a base model, the
// images, Start), each marked done as it is done; a preset of tuned training settings for the
// user's graphics card; and the demo one click away. Without a GPU it says that training runs on the
// CPU. It stays until the steps are done (or the user hides it); the full form of every setting stays
// below it.

#include <QFrame>

class QComboBox;
class QLabel;
class QPushButton;

namespace sds::widgets {

class GettingStartedPanel : public QFrame {
  Q_OBJECT
 public:
  enum Step { ModelStep, ImagesStep, StartStep, StepCount };

  explicit GettingStartedPanel(QWidget* parent = nullptr);

  // Marks a step done or not, with what it holds ("SDXL — /models/base", "120 images in …").
  void setStep(Step step, bool done, const QString& detail);
  bool isDone(Step step) const { return done_[step]; }
  QString detail(Step step) const;
  // Whether this machine has a GPU; without one a note says what that means for training.
  void setGpuFound(bool found);
  QLabel* cpuNote() const { return cpuNote_; }
  bool allDone() const;
  // The Start button is offered once the model and the images are chosen.
  QPushButton* startButton() const { return start_; }
  QComboBox* presets() const { return presets_; }

 signals:
  void chooseModelFolder();
  void chooseModelFile();
  void chooseImages();
  void startRequested();
  void demoRequested();
  void presetChosen(const QString& id);
  void hideRequested();

 private:
  QLabel* marks_[StepCount] = {};
  QLabel* details_[StepCount] = {};
  bool done_[StepCount] = {};
  QLabel* cpuNote_ = nullptr;
  QPushButton* start_ = nullptr;
  QComboBox* presets_ = nullptr;
};

}  // namespace sds::widgets
