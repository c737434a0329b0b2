// How the Training page's loss chart and log terminal hold up over a long run: milliseconds to take
// 100k steps or lines, to draw them (decimated) and to filter or search them, offscreen. Prints
// figures; run with QT_QPA_PLATFORM=offscreen.
//
// bench_studio_widgets [count=100000]

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <cmath>
#include <cstdio>
#include <qcustomplot.h>

#include "log_terminal.h"
#include "loss_chart.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  const int count = argc > 1 ? std::max(1000, std::atoi(argv[1])) : 100000;
  QElapsedTimer t;

  sds::widgets::LossChart chart;
  chart.resize(1000, 450);
  chart.show();
  QApplication::processEvents();
  t.start();
  for (int step = 1; step <= count; ++step)
    chart.addStep(step, 0.5 + 0.3 * std::sin(step * 0.01), 0.5, 1e-4);
  const double add = t.nsecsElapsed() / 1e6;
  t.restart();
  chart.redrawNow();
  chart.plot()->replot(QCustomPlot::rpImmediateRefresh);
  const double draw = t.nsecsElapsed() / 1e6;
  t.restart();
  for (int i = 0; i < 20; ++i) {
    chart.addStep(count + 1 + i, 0.4, 0.5, 1e-4);
    chart.redrawNow();
    chart.plot()->replot(QCustomPlot::rpImmediateRefresh);
  }
  const double perRedraw = t.nsecsElapsed() / 1e6 / 20;
  std::printf("loss chart, %d steps: adding them %.1f ms; a full redraw %.1f ms (%d points drawn); a redraw per new "
              "step %.1f ms (the chart redraws at most 10 times a second)\n",
              count, add, draw, chart.drawnPointCount(), perRedraw);

  sds::widgets::LogTerminal terminal;
  terminal.resize(1000, 400);
  terminal.show();
  QApplication::processEvents();
  t.restart();
  for (int i = 0; i < count; ++i) terminal.append(i % 10 == 9 ? "warn" : "info", QString("step %1: loss 0.1234").arg(i));
  terminal.flush();
  QApplication::processEvents();
  const double lines = t.nsecsElapsed() / 1e6;
  t.restart();
  terminal.setMinimumLevel("warn");
  QApplication::processEvents();
  terminal.setMinimumLevel("trace");
  QApplication::processEvents();
  const double filter = t.nsecsElapsed() / 1e6 / 2;
  terminal.searchField()->setText("step 12345:");
  t.restart();
  terminal.findNext();
  QApplication::processEvents();
  const double search = t.nsecsElapsed() / 1e6;
  std::printf("log terminal, %d lines: appending and showing them %.1f ms; a level filter change %.1f ms; a search "
              "%.1f ms\n",
              terminal.lineCount(), lines, filter, search);
  return 0;
}
