#include "loss_chart.h"

#include "axis_range.h"

#include <qcustomplot.h>

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLocale>
#include <QMessageBox>
#include <QSaveFile>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace sds::widgets {
namespace {

constexpr int kRedrawIntervalMs = 100;

// Series colours that read on light and dark backgrounds alike.
const QColor kLossColour(66, 133, 244);
const QColor kSmoothedColour(230, 120, 20);
const QColor kLearningRateColour(60, 170, 90);
const QColor kValidationColour(200, 60, 160);

// The shortest text that reads back as the same double, so the CSV holds the values exactly.
QString number(double value) {
  return std::isfinite(value) ? QString::number(value, 'g', QLocale::FloatingPointShortest) : QString();
}

}  // namespace

LossChart::LossChart(QWidget* parent) : QWidget(parent) {
  plot_ = new QCustomPlot(this);
  plot_->setAccessibleName(tr("Loss chart"));
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
  plot_->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
  plot_->setNoAntialiasingOnDrag(true);
  plot_->xAxis->setLabel(tr("Step"));
  plot_->yAxis->setLabel(tr("Loss"));
  plot_->yAxis2->setLabel(tr("Learning rate"));
  plot_->yAxis2->setVisible(true);
  plot_->yAxis2->setTickLabels(true);
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

  raw_ = plot_->addGraph();
  raw_->setName(tr("Loss"));
  QColor faint = kLossColour;
  faint.setAlpha(110);
  raw_->setPen(QPen(faint));
  raw_->setLineStyle(QCPGraph::lsNone);
  raw_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, faint, faint, 2.5));
  smoothed_ = plot_->addGraph();
  smoothed_->setName(tr("Smoothed loss"));
  smoothed_->setPen(QPen(kSmoothedColour, 2));
  learningRate_ = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
  learningRate_->setName(tr("Learning rate"));
  learningRate_->setPen(QPen(kLearningRateColour, 1.5, Qt::DashLine));
  validation_ = plot_->addGraph();
  validation_->setName(tr("Validation loss"));
  validation_->setLineStyle(QCPGraph::lsNone);
  validation_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, kValidationColour, kValidationColour, 8));

  // Any zoom or pan by the user holds the view where they put it.
  connect(plot_, &QCustomPlot::mouseWheel, this, [this] { following_ = false; });
  connect(plot_, &QCustomPlot::mousePress, this, [this] { following_ = false; });
  // A range not set by redraw() is a zoom or pan (by mouse or by code): it holds the view too, and
  // changes which points are visible, so the decimation is done again.
  for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis})
    connect(axis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] {
      if (redrawing_) return;
      following_ = false;
      scheduleRedraw();
    });

  logButton_ = new QToolButton(this);
  logButton_->setText(tr("Log scale"));
  logButton_->setCheckable(true);
  logButton_->setToolTip(tr("Show the loss on a logarithmic axis"));
  connect(logButton_, &QToolButton::toggled, this, &LossChart::setLogScale);
  auto* fitButton = new QToolButton(this);
  fitButton->setText(tr("Fit"));
  fitButton->setToolTip(tr("Show the whole run and follow new steps again"));
  connect(fitButton, &QToolButton::clicked, this, &LossChart::fit);
  auto* pngButton = new QToolButton(this);
  pngButton->setText(tr("Export PNG…"));
  pngButton->setToolTip(tr("Save the chart as drawn as a PNG image"));
  connect(pngButton, &QToolButton::clicked, this, [this] { exportWithDialog(true); });
  auto* csvButton = new QToolButton(this);
  csvButton->setText(tr("Export CSV…"));
  csvButton->setToolTip(tr("Save every step's loss, smoothed loss and learning rate, and the validation losses, "
                           "as CSV"));
  connect(csvButton, &QToolButton::clicked, this, [this] { exportWithDialog(false); });
  for (QToolButton* b : {logButton_, fitButton, pngButton, csvButton}) {
    b->setAccessibleName(b->text().remove('&').remove(QStringLiteral("…")));
    b->setFocusPolicy(Qt::StrongFocus);
  }

  auto* tools = new QHBoxLayout;
  tools->addWidget(logButton_);
  tools->addWidget(fitButton);
  tools->addStretch(1);
  tools->addWidget(pngButton);
  tools->addWidget(csvButton);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(tools);
  layout->addWidget(plot_, 1);
  setMinimumHeight(220);

  redrawTimer_ = new QTimer(this);
  redrawTimer_->setSingleShot(true);
  redrawTimer_->setInterval(kRedrawIntervalMs);
  connect(redrawTimer_, &QTimer::timeout, this, &LossChart::redraw);
  applyPalette();
}

void LossChart::addStep(qint64 step, double loss, double smoothedLoss, double learningRate) {
  const double x = double(step);
  if (!steps_.empty() && x <= steps_.back()) {
    const auto from = std::lower_bound(steps_.begin(), steps_.end(), x) - steps_.begin();
    steps_.resize(from);
    losses_.resize(from);
    smoothedLosses_.resize(from);
    learningRates_.resize(from);
  }
  steps_.push_back(x);
  losses_.push_back(loss);
  smoothedLosses_.push_back(smoothedLoss);
  learningRates_.push_back(learningRate);
  scheduleRedraw();
}

void LossChart::addValidation(qint64 step, double loss) {
  validationSteps_.push_back(double(step));
  validationLosses_.push_back(loss);
  scheduleRedraw();
}

void LossChart::clear() {
  for (auto* v : {&steps_, &losses_, &smoothedLosses_, &learningRates_, &validationSteps_, &validationLosses_}) v->clear();
  following_ = true;
  redrawNow();
}

void LossChart::setLogScale(bool on) {
  logScale_ = on;
  if (logButton_->isChecked() != on) logButton_->setChecked(on);
  if (on) {
    plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  } else {
    plot_->yAxis->setScaleType(QCPAxis::stLinear);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  }
  following_ = true;
  redrawNow();
}

void LossChart::fit() {
  following_ = true;
  redrawNow();
}

int LossChart::drawnPointCount() const { return raw_->data()->size(); }

void LossChart::scheduleRedraw() {
  if (!redrawTimer_->isActive()) redrawTimer_->start();
}

void LossChart::redrawNow() {
  redrawTimer_->stop();
  redraw();
}

void LossChart::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  scheduleRedraw();  // the number of pixel columns, and so the decimation, changed
}

void LossChart::redraw() {
  redrawing_ = true;
  const std::size_t n = steps_.size();
  // The visible part: everything while following, else what the x axis shows (with one point beyond
  // each edge, so lines run to the border).
  std::size_t first = 0, last = n;
  QCPRange shown(n > 0 ? steps_.front() : 0.0, n > 0 ? steps_.back() : 1.0);
  if (!following_ && n > 0) {
    const QCPRange range = plot_->xAxis->range();
    shown = range;
    first = std::lower_bound(steps_.begin(), steps_.end(), range.lower) - steps_.begin();
    last = std::upper_bound(steps_.begin(), steps_.end(), range.upper) - steps_.begin();
    first = first > 0 ? first - 1 : 0;
    last = std::min(n, last + 1);
  }
  const std::size_t visible = last - first;
  const int columns = std::max(1, plot_->axisRect()->width());
  // NaN or infinite losses (a diverging run) are not drawn; on a log axis neither are those <= 0.
  const bool log = logScale_;
  auto drawable = [log](double loss) { return std::isfinite(loss) && (!log || loss > 0); };
  QVector<double> rawX, rawY, lineX, smoothY, lrY;
  if (visible <= 2 * std::size_t(columns)) {
    for (std::size_t i = first; i < last; ++i) {
      if (drawable(losses_[i])) {
        rawX << steps_[i];
        rawY << losses_[i];
      }
      lineX << steps_[i];
      smoothY << smoothedLosses_[i];
      lrY << learningRates_[i];
    }
  } else {
    // Buckets are the pixel columns of the shown step range (the points beyond its edges get their
    // own). Per bucket: the lowest and highest loss, so spikes stay visible, and the last smoothed
    // loss and learning rate, which both change slowly.
    const double perStep = columns / std::max(shown.size(), 1e-9);
    auto column = [&](std::size_t i) { return std::floor((steps_[i] - shown.lower) * perStep); };
    for (std::size_t begin = first, end; begin < last; begin = end) {
      const double bucket = column(begin);
      end = begin + 1;
      while (end < last && column(end) == bucket) ++end;
      std::size_t lo = end, hi = end;
      for (std::size_t i = begin; i < end; ++i) {
        if (!drawable(losses_[i])) continue;
        if (lo == end || losses_[i] < losses_[lo]) lo = i;
        if (hi == end || losses_[i] > losses_[hi]) hi = i;
      }
      if (lo != end) {
        for (std::size_t i : {std::min(lo, hi), std::max(lo, hi)}) {
          rawX << steps_[i];
          rawY << losses_[i];
          if (lo == hi) break;
        }
      }
      lineX << steps_[end - 1];
      smoothY << smoothedLosses_[end - 1];
      lrY << learningRates_[end - 1];
    }
  }
  raw_->setData(rawX, rawY, true);
  smoothed_->setData(lineX, smoothY, true);
  learningRate_->setData(lineX, lrY, true);
  validation_->setData(QVector<double>(validationSteps_.begin(), validationSteps_.end()),
                       QVector<double>(validationLosses_.begin(), validationLosses_.end()));
  if (following_ && n > 0) {
    plot_->xAxis->setRange(steps_.front(), std::max(steps_.back(), steps_.front() + 1));
    bool found = false;
    QCPRange y = raw_->getValueRange(found, QCP::sdBoth);
    if (logScale_) y = raw_->getValueRange(found, QCP::sdPositive);
    bool foundValidation = false;
    const QCPRange v = validation_->getValueRange(foundValidation, logScale_ ? QCP::sdPositive : QCP::sdBoth);
    if (foundValidation) y = found ? QCPRange(std::min(y.lower, v.lower), std::max(y.upper, v.upper)) : v;
    if (found || foundValidation) {
      const AxisRange padded = paddedAxisRange(y.lower, y.upper, logScale_);
      plot_->yAxis->setRange(padded.lower, padded.upper);
    }
    bool foundRate = false;
    const QCPRange rate = learningRate_->getValueRange(foundRate, QCP::sdBoth);
    if (foundRate) {
      const AxisRange padded = paddedAxisRange(rate.lower, rate.upper, false);
      plot_->yAxis2->setRange(padded.lower, padded.upper);
    }
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
  redrawing_ = false;
}

void LossChart::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) applyPalette();
  QWidget::changeEvent(event);
}

void LossChart::applyPalette() {
  // Axes, labels and grid in the theme's text colour on its base colour, for dark and light themes.
  const QColor text = palette().color(QPalette::Text);
  QColor grid = text;
  grid.setAlpha(40);
  plot_->setBackground(palette().brush(QPalette::Base));
  QColor legendBackground = palette().color(QPalette::Base);
  legendBackground.setAlpha(200);  // the newest points may lie under the legend
  plot_->legend->setBrush(legendBackground);
  plot_->legend->setTextColor(text);
  plot_->legend->setBorderPen(QPen(grid));
  for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->yAxis2}) {
    axis->setBasePen(QPen(text));
    axis->setTickPen(QPen(text));
    axis->setSubTickPen(QPen(text));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
  }
  plot_->yAxis2->grid()->setVisible(false);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool LossChart::exportPng(const QString& path, QString* error) {
  redrawNow();
  plot_->replot(QCustomPlot::rpImmediateRefresh);
  const QPixmap picture = plot_->toPixmap(std::max(plot_->width(), 640), std::max(plot_->height(), 400));
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || !picture.save(&file, "PNG") || !file.commit()) {
    if (error) *error = tr("%1 could not be written: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

bool LossChart::exportCsv(const QString& path, QString* error) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
    if (error) *error = tr("%1 could not be written: %2").arg(path, file.errorString());
    return false;
  }
  // One header; validation rows leave the training-only columns empty.
  QByteArray out = "kind,step,loss,smoothed_loss,learning_rate\n";
  for (std::size_t i = 0; i < steps_.size(); ++i)
    out += QStringLiteral("train,%1,%2,%3,%4\n")
               .arg(qint64(steps_[i]))
               .arg(number(losses_[i]), number(smoothedLosses_[i]), number(learningRates_[i]))
               .toUtf8();
  for (std::size_t i = 0; i < validationSteps_.size(); ++i)
    out += QStringLiteral("validation,%1,%2,,\n").arg(qint64(validationSteps_[i])).arg(number(validationLosses_[i])).toUtf8();
  if (file.write(out) != out.size() || !file.commit()) {
    if (error) *error = tr("%1 could not be written: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

void LossChart::exportWithDialog(bool png) {
  const QString path = png ? QFileDialog::getSaveFileName(this, tr("Export Chart"), "loss.png", tr("PNG images (*.png)"))
                           : QFileDialog::getSaveFileName(this, tr("Export Loss Data"), "loss.csv",
                                                          tr("CSV files (*.csv)"));
  if (path.isEmpty()) return;
  QString error;
  if (!(png ? exportPng(path, &error) : exportCsv(path, &error)))
    QMessageBox::warning(this, png ? tr("Export Chart") : tr("Export Loss Data"), error);
}

}  // namespace sds::widgets
