#pragma once
// The training loss chart (QCustomPlot): every step's loss as faint points, the smoothed loss as a
// line, the learning rate on a second axis and validation losses as markers. All data is kept; what
// is drawn is decimated to about two points per pixel column of the visible range, and redrawn at
// most ten times a second, so a run of 100k+ steps stays smooth. Zoom and pan with the mouse (the
// view then stops following new steps until Fit), a log scale for the loss, export to PNG and CSV.

#include <QWidget>
#include <vector>

class QCPGraph;
class QCustomPlot;
class QTimer;
class QToolButton;

namespace sds::widgets {

class LossChart : public QWidget {
  Q_OBJECT
 public:
  explicit LossChart(QWidget* parent = nullptr);

  // A step that goes back to or before the last one (a run resumed from an earlier checkpoint)
  // replaces the points from there on.
  void addStep(qint64 step, double loss, double smoothedLoss, double learningRate);
  void addValidation(qint64 step, double loss);
  void clear();

  void setLogScale(bool on);
  bool logScale() const { return logScale_; }
  // Back to showing everything and following new steps. Any change of the visible range other than
  // by following (a mouse zoom or pan, or a range set by code) stops the following.
  void fit();
  bool following() const { return following_; }

  // The chart as drawn; all data as CSV (kind,step,loss,smoothed_loss,learning_rate). Both atomic.
  bool exportPng(const QString& path, QString* error = nullptr);
  bool exportCsv(const QString& path, QString* error = nullptr);

  qint64 stepCount() const { return qint64(steps_.size()); }
  qint64 validationCount() const { return qint64(validationSteps_.size()); }
  int drawnPointCount() const;  // raw-loss points handed to QCustomPlot after decimation
  QCustomPlot* plot() const { return plot_; }
  // Draws pending data now instead of at the next timer tick.
  void redrawNow();

 protected:
  void changeEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void scheduleRedraw();
  void redraw();
  void applyPalette();
  void exportWithDialog(bool png);

  QCustomPlot* plot_ = nullptr;
  QCPGraph* raw_ = nullptr;
  QCPGraph* smoothed_ = nullptr;
  QCPGraph* learningRate_ = nullptr;
  QCPGraph* validation_ = nullptr;
  QToolButton* logButton_ = nullptr;
  QTimer* redrawTimer_ = nullptr;
  std::vector<double> steps_, losses_, smoothedLosses_, learningRates_;
  std::vector<double> validationSteps_, validationLosses_;
  bool logScale_ = false;
  bool following_ = true;
  bool redrawing_ = false;
};

}  // namespace sds::widgets
