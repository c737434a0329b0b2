// The Training page's loss chart, offscreen: 100k steps all kept and drawn decimated after the
// coalescing timer, CSV and PNG export, log scale with non-positive losses, zoom stopping the
// follow until Fit, theme colours and the toolbar's accessibility.

#include <QFile>
#include <algorithm>
#include <QImage>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "axis_range.h"
#include "loss_chart.h"

using sds::widgets::LossChart;

namespace {

double lossAt(int step) { return 0.5 + 0.3 * std::sin(step * 0.01) + (step % 997 == 0 ? 2.0 : 0.0); }
double learningRateAt(int step) { return 1e-4 * (1.0 - step / 200000.0); }

QToolButton* button(const LossChart& chart, const QString& accessibleName) {
  for (QToolButton* b : chart.findChildren<QToolButton*>())
    if (b->accessibleName() == accessibleName) return b;
  return nullptr;
}

// The graphs by role, as the chart creates them.
QCPGraph* rawGraph(const LossChart& chart) { return chart.plot()->graph(0); }
QCPGraph* smoothedGraph(const LossChart& chart) { return chart.plot()->graph(1); }
QCPGraph* learningRateGraph(const LossChart& chart) { return chart.plot()->graph(2); }
QCPGraph* validationGraph(const LossChart& chart) { return chart.plot()->graph(3); }

}  // namespace

class TestLossChart : public QObject {
  Q_OBJECT

 private:
  void fill(LossChart& chart, int steps) {
    for (int step = 1; step <= steps; ++step) {
      chart.addStep(step, lossAt(step), 0.5, learningRateAt(step));
      if (step % 1000 == 0) chart.addValidation(step, 0.4 + step * 1e-7);
    }
  }

 private slots:
  void seriesAndAxes() {
    LossChart chart;
    QCOMPARE(chart.plot()->graphCount(), 4);
    QCOMPARE(chart.plot()->xAxis->label(), QString("Step"));
    QCOMPARE(chart.plot()->yAxis->label(), QString("Loss"));
    QCOMPARE(chart.plot()->yAxis2->label(), QString("Learning rate"));
    QVERIFY(chart.plot()->yAxis2->visible());
    QCOMPARE(learningRateGraph(chart)->valueAxis(), chart.plot()->yAxis2);
    QCOMPARE(rawGraph(chart)->valueAxis(), chart.plot()->yAxis);
    // Validation losses are markers without a line; the raw loss is fainter than the smoothed line.
    QCOMPARE(validationGraph(chart)->lineStyle(), QCPGraph::lsNone);
    QVERIFY(!validationGraph(chart)->scatterStyle().isNone());
    QVERIFY(rawGraph(chart)->pen().color().alpha() < smoothedGraph(chart)->pen().color().alpha());
    QVERIFY(chart.plot()->interactions().testFlag(QCP::iRangeDrag));
    QVERIFY(chart.plot()->interactions().testFlag(QCP::iRangeZoom));
  }

  void paddedAxisRanges() {
    using sds::widgets::paddedAxisRange;
    // A span gets 5 % on each side; a constant a band of 10 % of its value; zero a band of ±1.
    auto r = paddedAxisRange(1.0, 3.0, false);
    QCOMPARE(r.lower, 0.9);
    QCOMPARE(r.upper, 3.1);
    r = paddedAxisRange(1e-5, 1e-5, false);
    QVERIFY(qFuzzyCompare(r.lower, 0.9e-5) && qFuzzyCompare(r.upper, 1.1e-5));
    r = paddedAxisRange(-2.0, -2.0, false);
    QVERIFY(qFuzzyCompare(r.lower, -2.2) && qFuzzyCompare(r.upper, -1.8));
    r = paddedAxisRange(0.0, 0.0, false);
    QCOMPARE(r.lower, -1.0);
    QCOMPARE(r.upper, 1.0);
    // Log axes: a factor of 1.2 below and above, also around a constant, never reaching zero.
    r = paddedAxisRange(1e-5, 1e-5, true);
    QVERIFY(qFuzzyCompare(r.lower, 1e-5 / 1.2) && qFuzzyCompare(r.upper, 1.2e-5));
    r = paddedAxisRange(3.0, 0.5, false);  // given in either order
    QVERIFY(r.lower < 0.5 && r.upper > 3.0);
  }

  // A constant learning rate (the default 1e-5) is shown at its value, not on an axis of −2…2.
  void constantSeriesShowTheirValue() {
    LossChart chart;
    chart.resize(800, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    for (int step = 1; step <= 50; ++step) chart.addStep(step, 0.25, 0.25, 1e-5);
    chart.redrawNow();
    const QCPRange rate = chart.plot()->yAxis2->range();
    QVERIFY2(rate.lower > 0 && rate.lower < 1e-5 && rate.upper > 1e-5 && rate.upper < 2e-5,
             qPrintable(QString("learning-rate axis %1…%2").arg(rate.lower).arg(rate.upper)));
    const QCPRange loss = chart.plot()->yAxis->range();
    QVERIFY2(loss.lower > 0.2 && loss.lower < 0.25 && loss.upper > 0.25 && loss.upper < 0.3,
             qPrintable(QString("loss axis %1…%2").arg(loss.lower).arg(loss.upper)));
    chart.setLogScale(true);
    chart.redrawNow();
    const QCPRange logLoss = chart.plot()->yAxis->range();
    QVERIFY(logLoss.lower > 0.2 && logLoss.lower < 0.25 && logLoss.upper > 0.25 && logLoss.upper < 0.31);
    // The tick labels read the value: one tick lies within the band, labelled near 1e-05.
    chart.plot()->replot();
    const QVector<double> ticks = chart.plot()->yAxis2->tickVector();
    QVERIFY(!ticks.isEmpty());
    QVERIFY(std::all_of(ticks.begin(), ticks.end(), [](double t) { return t > 0 && t < 2e-5; }));
  }

  void keepsEverythingDrawsDecimated() {
    LossChart chart;
    chart.resize(800, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    fill(chart, 100000);
    QCOMPARE(chart.stepCount(), qint64(100000));
    QCOMPARE(chart.validationCount(), qint64(100));
    // Nothing is handed to the plot per step: the redraw waits for the timer.
    QCOMPARE(chart.drawnPointCount(), 0);
    QTRY_VERIFY(chart.drawnPointCount() > 0);
    const int drawn = chart.drawnPointCount();
    QVERIFY2(drawn <= 4 * chart.width(), qPrintable(QString::number(drawn)));
    QVERIFY2(drawn >= chart.plot()->axisRect()->width() / 2, qPrintable(QString::number(drawn)));
    // Min and max per column: the spikes and the lowest loss survive.
    double highest = -1, lowest = 10;
    for (auto it = rawGraph(chart)->data()->constBegin(); it != rawGraph(chart)->data()->constEnd(); ++it) {
      highest = std::max(highest, it->value);
      lowest = std::min(lowest, it->value);
    }
    double trueHighest = -1, trueLowest = 10;
    for (int step = 1; step <= 100000; ++step) {
      trueHighest = std::max(trueHighest, lossAt(step));
      trueLowest = std::min(trueLowest, lossAt(step));
    }
    QCOMPARE(highest, trueHighest);
    QCOMPARE(lowest, trueLowest);
    QCOMPARE(validationGraph(chart)->data()->size(), 100);
    QVERIFY(smoothedGraph(chart)->data()->size() <= drawn);
    QVERIFY(chart.following());
    QCOMPARE(chart.plot()->xAxis->range().upper, 100000.0);

    // A full replot of the 100k-step chart completes and draws something.
    chart.plot()->replot(QCustomPlot::rpImmediateRefresh);
    const QImage image = chart.plot()->toPixmap().toImage();
    QVERIFY(!image.isNull());
  }

  void highestOfEveryColumn() {
    // The decimated maximum matches the data's true maximum even for a spike alone in its column.
    LossChart chart;
    chart.resize(600, 300);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    for (int step = 0; step < 50000; ++step) chart.addStep(step, step == 31337 ? 9.0 : 1.0, 1.0, 1e-4);
    chart.redrawNow();
    bool found = false;
    const QCPRange range = rawGraph(chart)->getValueRange(found);
    QVERIFY(found);
    QCOMPARE(range.upper, 9.0);
    QCOMPARE(range.lower, 1.0);
  }

  void nonFiniteLossesDoNotHideData() {
    // A diverging run logs NaN losses; the finite ones around them are still drawn, spikes included.
    LossChart chart;
    chart.resize(600, 300);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    for (int step = 0; step < 20000; ++step)
      chart.addStep(step, step % 2 == 0 ? std::nan("") : (step == 5001 ? 3.0 : 1.0), 1.0, 1e-4);
    chart.addStep(20000, std::numeric_limits<double>::infinity(), 1.0, 1e-4);
    chart.redrawNow();
    int finite = 0;
    double highest = 0;
    for (auto it = rawGraph(chart)->data()->constBegin(); it != rawGraph(chart)->data()->constEnd(); ++it) {
      QVERIFY(std::isfinite(it->value));
      highest = std::max(highest, it->value);
      ++finite;
    }
    QCOMPARE(highest, 3.0);
    QVERIFY2(finite >= chart.plot()->axisRect()->width() * 9 / 10, qPrintable(QString::number(finite)));
    const QCPRange y = chart.plot()->yAxis->range();
    QVERIFY(std::isfinite(y.lower) && std::isfinite(y.upper) && y.upper > 3.0 && y.lower < 1.0);
  }

  void exportsCsv() {
    LossChart chart;
    fill(chart, 100000);
    QTemporaryDir dir;
    const QString path = dir.filePath("loss.csv");
    QVERIFY(chart.exportCsv(path));
    QFile csv(path);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = csv.readAll().split('\n');
    QCOMPARE(lines.last(), QByteArray());  // ends with a newline
    lines.removeLast();
    QCOMPARE(lines.first(), QByteArray("kind,step,loss,smoothed_loss,learning_rate"));
    int train = 0, validation = 0;
    for (int i = 1; i < lines.size(); ++i) {
      if (lines[i].startsWith("train,")) ++train;
      else if (lines[i].startsWith("validation,")) ++validation;
    }
    QCOMPARE(train, 100000);
    QCOMPARE(validation, 100);
    QCOMPARE(lines.size(), 1 + 100000 + 100);
    // The values as stored, to full precision.
    for (int step : {1, 997, 54321, 100000}) {
      const QList<QByteArray> cells = lines[step].split(',');
      QCOMPARE(cells.size(), 5);
      QCOMPARE(cells[0], QByteArray("train"));
      QCOMPARE(cells[1].toLongLong(), qint64(step));
      QCOMPARE(cells[2].toDouble(), lossAt(step));
      QVERIFY(cells[2].toDouble() == lossAt(step));
      QCOMPARE(cells[3].toDouble(), 0.5);
      QVERIFY(cells[4].toDouble() == learningRateAt(step));
    }
    const QList<QByteArray> v = lines[100000 + 7].split(',');  // the 7th validation row
    QCOMPARE(v.size(), 5);
    QCOMPARE(v[0], QByteArray("validation"));
    QCOMPARE(v[1].toLongLong(), qint64(7000));
    QVERIFY(v[2].toDouble() == 0.4 + 7000 * 1e-7);
    QVERIFY(v[3].isEmpty() && v[4].isEmpty());

    QString error;
    const QString bad = dir.filePath("missing/folder/loss.csv");
    QVERIFY(!chart.exportCsv(bad, &error));
    QVERIFY2(error.contains(bad), qPrintable(error));
    QVERIFY(!QFile::exists(bad));
  }

  void exportsPng() {
    LossChart chart;
    chart.resize(700, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    fill(chart, 5000);
    QTemporaryDir dir;
    QVERIFY(chart.exportPng(dir.filePath("loss.png")));
    const QImage png(dir.filePath("loss.png"));
    QVERIFY(!png.isNull());
    QVERIFY(png.width() > 0 && png.height() > 0);
    QSet<QRgb> colours;
    for (int y = 0; y < png.height(); y += 3)
      for (int x = 0; x < png.width(); x += 3) colours.insert(png.pixel(x, y));
    QVERIFY2(colours.size() > 4, qPrintable(QString::number(colours.size())));
    QString error;
    QVERIFY(!chart.exportPng(dir.filePath("missing/loss.png"), &error));
    QVERIFY(error.contains(dir.filePath("missing/loss.png")));
  }

  void logScale() {
    LossChart chart;
    chart.resize(600, 300);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QVERIFY(!chart.logScale());
    for (int step = 1; step <= 1000; ++step)
      chart.addStep(step, step == 10 ? 0.0 : (step == 20 ? -1.0 : 1.0 / step), 0.1, 1e-4);
    chart.addValidation(500, -0.5);
    chart.addValidation(600, 0.02);
    chart.setLogScale(true);
    QVERIFY(chart.logScale());
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(!chart.plot()->yAxis->ticker().dynamicCast<QCPAxisTickerLog>().isNull());
    // Zero and negative losses leave a usable positive range.
    const QCPRange y = chart.plot()->yAxis->range();
    QVERIFY2(y.lower > 0 && y.upper > y.lower, qPrintable(QString("%1 %2").arg(y.lower).arg(y.upper)));
    QVERIFY(y.lower <= 1.0 / 1000 && y.upper >= 1.0);
    // What the log axis cannot show is not handed to it.
    QVERIFY(rawGraph(chart)->data()->size() >= 990);
    for (auto it = rawGraph(chart)->data()->constBegin(); it != rawGraph(chart)->data()->constEnd(); ++it)
      QVERIFY(it->value > 0);
    chart.plot()->replot(QCustomPlot::rpImmediateRefresh);
    QTemporaryDir dir;
    QVERIFY(chart.exportPng(dir.filePath("log.png")));

    QToolButton* toggle = button(chart, "Log scale");
    QVERIFY(toggle && toggle->isCheckable());
    QVERIFY(toggle->isChecked());
    toggle->click();
    QVERIFY(!chart.logScale());
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLinear);
    QVERIFY(chart.plot()->yAxis->ticker().dynamicCast<QCPAxisTickerLog>().isNull());
    QVERIFY(chart.plot()->yAxis->range().lower <= -1.0);
  }

  void zoomStopsFollowingUntilFit() {
    LossChart chart;
    chart.resize(800, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    fill(chart, 100000);
    chart.redrawNow();
    QVERIFY(chart.following());
    const int overview = chart.drawnPointCount();

    // Setting a range, as a zoom does, holds the view and re-decimates for it when the range changes.
    chart.plot()->xAxis->setRange(5000, 5099);
    QVERIFY(!chart.following());
    QTRY_VERIFY(chart.drawnPointCount() != overview);
    QVERIFY2(chart.drawnPointCount() >= 100 && chart.drawnPointCount() <= 102,
             qPrintable(QString::number(chart.drawnPointCount())));
    QCOMPARE(rawGraph(chart)->data()->at(1)->key, 5000.0);

    // New steps do not move the held view.
    for (int step = 100001; step <= 100500; ++step) chart.addStep(step, 0.5, 0.5, 1e-4);
    chart.redrawNow();
    QCOMPARE(chart.plot()->xAxis->range().lower, 5000.0);
    QCOMPARE(chart.plot()->xAxis->range().upper, 5099.0);

    QToolButton* fit = button(chart, "Fit");
    QVERIFY(fit);
    fit->click();
    QVERIFY(chart.following());
    QCOMPARE(chart.plot()->xAxis->range().upper, 100500.0);
    QCOMPARE(chart.plot()->xAxis->range().lower, 1.0);
    QVERIFY(chart.drawnPointCount() <= 4 * chart.width());
    chart.addStep(100501, 0.5, 0.5, 1e-4);
    QTRY_COMPARE(chart.plot()->xAxis->range().upper, 100501.0);

    // A vertical-only zoom holds the view too.
    chart.plot()->yAxis->setRange(0.3, 0.4);
    QVERIFY(!chart.following());
    chart.fit();
    QVERIFY(chart.following());
    QVERIFY(chart.plot()->yAxis->range().upper > 2.0);
  }

  void clearEmpties() {
    LossChart chart;
    fill(chart, 3000);
    chart.plot()->xAxis->setRange(10, 20);
    chart.clear();
    QCOMPARE(chart.stepCount(), qint64(0));
    QCOMPARE(chart.validationCount(), qint64(0));
    QCOMPARE(chart.drawnPointCount(), 0);
    QVERIFY(chart.following());
  }

  void themeColours() {
    LossChart chart;
    QPalette dark;
    dark.setColor(QPalette::Base, QColor(30, 30, 30));
    dark.setColor(QPalette::Window, QColor(40, 40, 40));
    dark.setColor(QPalette::Text, QColor(230, 230, 230));
    chart.setPalette(dark);
    QCOMPARE(chart.plot()->xAxis->tickLabelColor(), QColor(230, 230, 230));
    QCOMPARE(chart.plot()->yAxis->labelColor(), QColor(230, 230, 230));
    QCOMPARE(chart.plot()->yAxis2->basePen().color(), QColor(230, 230, 230));
    QVERIFY(chart.plot()->xAxis->grid()->pen().color().rgb() == QColor(230, 230, 230).rgb());
    const QImage darkImage = chart.plot()->toPixmap(200, 100).toImage();
    QCOMPARE(QColor(darkImage.pixel(2, 2)), QColor(30, 30, 30));

    QPalette light;
    light.setColor(QPalette::Base, QColor(255, 255, 255));
    light.setColor(QPalette::Window, QColor(240, 240, 240));
    light.setColor(QPalette::Text, QColor(10, 10, 10));
    chart.setPalette(light);
    QCOMPARE(chart.plot()->xAxis->tickLabelColor(), QColor(10, 10, 10));
    const QImage lightImage = chart.plot()->toPixmap(200, 100).toImage();
    QCOMPARE(QColor(lightImage.pixel(2, 2)), QColor(255, 255, 255));
  }

  void toolbarIsAccessible() {
    LossChart chart;
    const QStringList names = {"Log scale", "Fit", "Export PNG", "Export CSV"};
    for (const QString& name : names) {
      QToolButton* b = button(chart, name);
      QVERIFY2(b, qPrintable(name));
      QVERIFY(!b->toolTip().isEmpty());
      QVERIFY(b->focusPolicy() & Qt::TabFocus);
    }
    QVERIFY(!chart.plot()->accessibleName().isEmpty());
  }
};

QTEST_MAIN(TestLossChart)
#include "test_loss_chart.moc"
