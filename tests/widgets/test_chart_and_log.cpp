// The Training page's loss chart and log terminal, offscreen, with 100k steps and 100k lines: all
// data kept, what is drawn decimated, exports complete, filters, search, colours, copy and follow.

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QImage>
#include <QListView>
#include <QLineEdit>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include "log_terminal.h"
#include "loss_chart.h"

using sds::widgets::LogTerminal;
using sds::widgets::LossChart;

class TestChartAndLog : public QObject {
  Q_OBJECT

 private slots:
  void chartKeepsEverythingAndDrawsLittle() {
    LossChart chart;
    chart.resize(800, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    for (int step = 1; step <= 100000; ++step) {
      const double loss = 0.5 + 0.3 * std::sin(step * 0.01) + (step % 997 == 0 ? 2.0 : 0.0);
      chart.addStep(step, loss, 0.5, 1e-4 * (1.0 - step / 200000.0));
      if (step % 1000 == 0) chart.addValidation(step, 0.4);
    }
    QCOMPARE(chart.stepCount(), qint64(100000));
    QTRY_VERIFY(chart.drawnPointCount() > 0);
    const int width = chart.plot()->width();  // the axis rect's, which the decimation uses, is narrower
    QVERIFY2(chart.drawnPointCount() <= 2 * width, qPrintable(QString::number(chart.drawnPointCount())));
    // Spikes survive decimation: the highest drawn loss is the spike's.
    double highest = 0;
    for (auto it = chart.plot()->graph(0)->data()->constBegin(); it != chart.plot()->graph(0)->data()->constEnd(); ++it)
      highest = std::max(highest, it->value);
    QVERIFY(highest > 2.0);
    QVERIFY(chart.following());
    QCOMPARE(chart.plot()->xAxis->range().upper, 100000.0);

    // Zoomed in: the visible 100 steps are drawn one by one; the view no longer follows.
    QTest::mousePress(chart.plot(), Qt::LeftButton, {}, chart.plot()->rect().center());
    QTest::mouseRelease(chart.plot(), Qt::LeftButton, {}, chart.plot()->rect().center());
    QVERIFY(!chart.following());
    chart.plot()->xAxis->setRange(5000, 5099);
    chart.redrawNow();
    QVERIFY(chart.drawnPointCount() >= 100 && chart.drawnPointCount() <= 102);
    chart.addStep(100001, 0.5, 0.5, 1e-4);
    chart.redrawNow();
    QCOMPARE(chart.plot()->xAxis->range().lower, 5000.0);
    chart.fit();
    QVERIFY(chart.following());
    QCOMPARE(chart.plot()->xAxis->range().upper, 100001.0);

    chart.setLogScale(true);
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    chart.setLogScale(false);
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLinear);

    // A resumed run going back to step 50 000 replaces what came after.
    chart.addStep(50000, 0.1, 0.1, 1e-5);
    QCOMPARE(chart.stepCount(), qint64(50000));

    QTemporaryDir dir;
    QVERIFY(chart.exportCsv(dir.filePath("loss.csv")));
    QFile csv(dir.filePath("loss.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().split('\n');
    QCOMPARE(lines.first(), QByteArray("kind,step,loss,smoothed_loss,learning_rate"));
    QCOMPARE(lines.count(), 1 + 50000 + 100 + 1);  // header, steps, validations, final newline
    const QList<QByteArray> first = lines[1].split(',');
    QCOMPARE(first[0], QByteArray("train"));
    QCOMPARE(first[1].toInt(), 1);
    QCOMPARE(first[2].toDouble(), 0.5 + 0.3 * std::sin(0.01));
    QCOMPARE(lines[50000].split(',')[2].toDouble(), 0.1);
    QCOMPARE(lines[50001], QByteArray("validation,1000,0.4,,"));

    QVERIFY(chart.exportPng(dir.filePath("loss.png")));
    const QImage png(dir.filePath("loss.png"));
    QVERIFY(!png.isNull() && png.width() >= 640);
    QVERIFY(png.pixel(10, 10) != png.pixel(png.width() / 2, png.height() / 2) || png.convertToFormat(QImage::Format_Indexed8).colorCount() > 2);
    QString error;
    QVERIFY(!chart.exportCsv(dir.filePath("missing/folder/loss.csv"), &error));
    QVERIFY(error.contains("missing/folder/loss.csv"));
  }

  void terminalHoldsManyLines() {
    LogTerminal terminal;
    terminal.resize(800, 300);
    terminal.show();
    QVERIFY(QTest::qWaitForWindowExposed(&terminal));
    const char* levels[] = {"debug", "info", "info", "info", "warn", "info", "info", "info", "info", "error"};
    for (int i = 0; i < 100000; ++i) terminal.append(levels[i % 10], QString("line %1").arg(i));
    QCOMPARE(terminal.lineCount(), 100000);
    QCOMPARE(terminal.visibleLineCount(), 100000);
    QVERIFY(terminal.visibleLines().last().endsWith("ERROR line 99999"));

    // Following: the newest line is in view.
    QScrollBar* bar = terminal.view()->verticalScrollBar();
    QTRY_COMPARE(bar->value(), bar->maximum());

    // Colours differ by level.
    const QAbstractItemModel* model = terminal.view()->model();
    const QColor error = model->index(9, 0).data(Qt::ForegroundRole).value<QColor>();
    const QColor info = model->index(1, 0).data(Qt::ForegroundRole).value<QColor>();
    const QColor warn = model->index(4, 0).data(Qt::ForegroundRole).value<QColor>();
    QVERIFY(error != info && warn != info && warn != error);

    // Level filter.
    terminal.setMinimumLevel("warn");
    QCOMPARE(terminal.visibleLineCount(), 20000);
    terminal.setMinimumLevel("error");
    QCOMPARE(terminal.visibleLineCount(), 10000);
    QVERIFY(terminal.visibleLines().first().endsWith("line 9"));
    terminal.setMinimumLevel("trace");
    QCOMPARE(terminal.visibleLineCount(), 100000);

    // Search selects the matching line and stops following.
    terminal.searchField()->setText("line 4242");
    QVERIFY(terminal.findNext());
    QCOMPARE(terminal.view()->currentIndex().row(), 4242);
    QVERIFY(!terminal.autoScroll());
    terminal.searchField()->setText("no such text");
    QVERIFY(!terminal.findNext());

    // Not following: new lines keep the view where it is.
    const int held = bar->value();
    for (int i = 0; i < 100; ++i) terminal.append("info", "more");
    terminal.flush();
    QCOMPARE(bar->value(), held);
    terminal.setAutoScroll(true);
    QCOMPARE(bar->value(), bar->maximum());

    // Copy the selected lines.
    terminal.view()->clearSelection();
    terminal.view()->selectionModel()->select(model->index(10, 0), QItemSelectionModel::Select);
    terminal.view()->selectionModel()->select(model->index(12, 0), QItemSelectionModel::Select);
    terminal.copySelection();
    const QStringList copied = QApplication::clipboard()->text().split('\n');
    QCOMPARE(copied.size(), 2);
    QVERIFY(copied[0].endsWith("line 10") && copied[1].endsWith("line 12"));

    // Save everything, whatever the filter.
    terminal.setMinimumLevel("error");
    QTemporaryDir dir;
    QVERIFY(terminal.saveTo(dir.filePath("log.txt")));
    QFile saved(dir.filePath("log.txt"));
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = saved.readAll().split('\n');
    QCOMPARE(lines.size(), 100100 + 1);
    QVERIFY(lines[4].endsWith("WARN  line 4"));

    terminal.clear();
    QCOMPARE(terminal.lineCount(), 0);
  }
};

QTEST_MAIN(TestChartAndLog)
#include "test_chart_and_log.moc"
