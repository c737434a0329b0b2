// The Training page's log terminal, offscreen: 100k lines appended in batches, the level filter,
// colours by level on dark and light themes, search, follow, copy, save and the line cap.

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QListView>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "log_model.h"
#include "log_terminal.h"

using sds::widgets::LogModel;
using sds::widgets::LogTerminal;

namespace {

const char* const kLevels[] = {"debug", "info", "info", "trace", "warn",
                               "info",  "info", "info", "info",  "error"};
const int kLineCount = 100000;

// Every 1000th line carries a word to search for.
QString messageAt(int i) {
  return i % 1000 == 500 ? QString("line %1 Needle").arg(i) : QString("line %1").arg(i);
}

void fill(LogTerminal& terminal) {
  for (int i = 0; i < kLineCount; ++i) terminal.append(kLevels[i % 10], messageAt(i));
}

int lightnessDistance(const QColor& a, const QColor& b) { return std::abs(a.lightness() - b.lightness()); }

}  // namespace

class TestLogTerminal : public QObject {
  Q_OBJECT

 private:
  void showTerminal(LogTerminal& terminal) {
    terminal.resize(900, 300);
    terminal.show();
    QVERIFY(QTest::qWaitForWindowExposed(&terminal));
  }

 private slots:
  void batchesAndHoldsManyLines() {
    LogTerminal terminal;
    showTerminal(terminal);
    fill(terminal);
    // Appends wait for the flush timer: the view has not been told about any row yet.
    QCOMPARE(terminal.view()->model()->rowCount(), 0);
    QTRY_COMPARE(terminal.view()->model()->rowCount(), kLineCount);
    QCOMPARE(terminal.lineCount(), kLineCount);
    QCOMPARE(terminal.visibleLineCount(), kLineCount);
    const QStringList visible = terminal.visibleLines();
    QCOMPARE(visible.size(), kLineCount);
    const QRegularExpression format(
        R"(^\d\d:\d\d:\d\d\.\d\d\d (TRACE|DEBUG|INFO |WARN |ERROR) line \d+( Needle)?$)");
    for (int i : {0, 1, 3, 4, 9, 500, 99999})
      QVERIFY2(format.match(visible[i]).hasMatch(), qPrintable(visible[i]));
    QVERIFY(visible[9].contains("ERROR line 9"));
    QVERIFY(visible[3].contains("TRACE line 3"));
    QVERIFY(visible.last().endsWith("ERROR line 99999"));
    QVERIFY(terminal.view()->uniformItemSizes());
    QVERIFY(terminal.view()->font().fixedPitch() || QFontInfo(terminal.view()->font()).fixedPitch());
  }

  void unknownLevelIsInfo() {
    LogTerminal terminal;
    terminal.append("verbose", "odd level");
    terminal.append("", "no level");
    const QStringList lines = terminal.visibleLines();
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[0].endsWith("INFO  odd level"));
    QVERIFY(lines[1].endsWith("INFO  no level"));
  }

  void levelFilter() {
    LogTerminal terminal;
    showTerminal(terminal);
    fill(terminal);
    int warnOrError = 0, errors = 0, debugUp = 0;
    for (int i = 0; i < kLineCount; ++i) {
      const QString level = kLevels[i % 10];
      warnOrError += level == "warn" || level == "error";
      errors += level == "error";
      debugUp += level != "trace";
    }
    terminal.setMinimumLevel("warn");
    QCOMPARE(terminal.visibleLineCount(), warnOrError);
    QCOMPARE(terminal.lineCount(), kLineCount);
    for (const QString& line : terminal.visibleLines())
      QVERIFY2(line.contains(" WARN  ") || line.contains(" ERROR "), qPrintable(line));
    terminal.setMinimumLevel("error");
    QCOMPARE(terminal.visibleLineCount(), errors);
    QVERIFY(terminal.visibleLines().first().endsWith("line 9"));

    // The combo box sets the same filter.
    auto* combo = terminal.findChild<QComboBox*>();
    QVERIFY(combo);
    QCOMPARE(combo->count(), 5);
    combo->setCurrentIndex(1);  // Debug and above
    QCOMPARE(terminal.visibleLineCount(), debugUp);
    combo->setCurrentIndex(3);  // Warnings and errors
    QCOMPARE(terminal.visibleLineCount(), warnOrError);
    combo->setCurrentIndex(0);
    QCOMPARE(terminal.visibleLineCount(), kLineCount);

    // Lines arriving while filtered show only when they pass the filter.
    terminal.setMinimumLevel("error");
    terminal.append("info", "hidden");
    terminal.append("error", "shown");
    QCOMPARE(terminal.visibleLineCount(), errors + 1);
    QVERIFY(terminal.visibleLines().last().endsWith("ERROR shown"));
    QCOMPARE(terminal.lineCount(), kLineCount + 2);
  }

  void coloursByLevel_data() {
    QTest::addColumn<QColor>("base");
    QTest::addColumn<QColor>("text");
    QTest::newRow("light") << QColor(255, 255, 255) << QColor(20, 20, 20);
    QTest::newRow("dark") << QColor(30, 30, 30) << QColor(235, 235, 235);
  }

  void coloursByLevel() {
    QFETCH(QColor, base);
    QFETCH(QColor, text);
    LogTerminal terminal;
    QPalette palette;
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::Text, text);
    terminal.setPalette(palette);
    for (const char* level : {"trace", "debug", "info", "warn", "error"}) terminal.append(level, "x");
    terminal.flush();
    const QAbstractItemModel* model = terminal.view()->model();
    auto colour = [&](int row) { return model->index(row, 0).data(Qt::ForegroundRole).value<QColor>(); };
    const QColor trace = colour(0), debug = colour(1), info = colour(2), warn = colour(3), error = colour(4);
    QCOMPARE(info, text);
    QVERIFY(error != info && warn != info && warn != error);
    QVERIFY(debug != info && trace != info);
    // Red for errors, something between red and yellow for warnings.
    QVERIFY(error.red() > error.green() + 60 && error.red() > error.blue() + 60);
    QVERIFY(warn.red() > warn.blue() + 60 && warn.green() > warn.blue());
    // Readable on the background: clear lightness difference.
    for (const QColor& c : {error, warn, info})
      QVERIFY2(lightnessDistance(c, base) > 80, qPrintable(c.name()));
  }

  void searchSelectsMatches() {
    LogTerminal terminal;
    showTerminal(terminal);
    fill(terminal);
    terminal.flush();
    QLineEdit* search = terminal.searchField();
    search->setText("NEEDLE");  // case-insensitive
    QVERIFY(terminal.findNext());
    QCOMPARE(terminal.view()->currentIndex().row(), 500);
    QVERIFY(terminal.view()->selectionModel()->isRowSelected(500, {}));
    QCOMPARE(terminal.view()->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(terminal.searchStatus(), QString("1 of 100"));
    // Enter in the search field finds the next one.
    QTest::keyClick(search, Qt::Key_Return);
    QCOMPARE(terminal.view()->currentIndex().row(), 1500);
    QCOMPARE(terminal.searchStatus(), QString("2 of 100"));
    QVERIFY(terminal.findNext(true));
    QCOMPARE(terminal.view()->currentIndex().row(), 500);
    // Backwards from the first wraps to the last.
    QVERIFY(terminal.findNext(true));
    QCOMPARE(terminal.view()->currentIndex().row(), 99500);
    QCOMPARE(terminal.searchStatus(), QString("100 of 100"));

    search->setText("line 4242");
    QVERIFY(terminal.findNext());
    QCOMPARE(terminal.view()->currentIndex().row(), 4242);
    QVERIFY(terminal.visibleLines()[4242].endsWith("line 4242"));
    QCOMPARE(terminal.searchStatus(), QString("1 of 11"));  // 4242 and 42420 to 42429

    search->setText("no such text");
    QVERIFY(!terminal.findNext());
    QCOMPARE(terminal.searchStatus(), QString("No match"));

    // Under a filter, rows are the filtered ones.
    terminal.setMinimumLevel("error");
    search->setText("line 99999");
    QVERIFY(terminal.findNext());
    QCOMPARE(terminal.view()->currentIndex().row(), terminal.visibleLineCount() - 1);
  }

  void saveWritesEveryLine() {
    LogTerminal terminal;
    fill(terminal);
    terminal.setMinimumLevel("error");  // saving ignores the filter
    QTemporaryDir dir;
    const QString path = dir.filePath("log.txt");
    QVERIFY(terminal.saveTo(path));
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = saved.readAll().split('\n');
    QCOMPARE(lines.last(), QByteArray());
    lines.removeLast();
    QCOMPARE(lines.size(), kLineCount);
    const QRegularExpression format(R"(^\d\d:\d\d:\d\d\.\d\d\d (\S+) +(.*)$)");
    for (int i : {0, 3, 4, 9, 500, 77777, 99999}) {
      const QRegularExpressionMatch m = format.match(QString::fromUtf8(lines[i]));
      QVERIFY2(m.hasMatch(), lines[i].constData());
      QCOMPARE(m.captured(1), QString(kLevels[i % 10]).toUpper());
      QCOMPARE(m.captured(2), messageAt(i));
    }
    QString error;
    const QString bad = dir.filePath("missing/log.txt");
    QVERIFY(!terminal.saveTo(bad, &error));
    QVERIFY2(error.contains(bad), qPrintable(error));
  }

  void copiesSelectedLines() {
    LogTerminal terminal;
    showTerminal(terminal);
    for (int i = 0; i < 100; ++i) terminal.append(kLevels[i % 10], messageAt(i));
    terminal.flush();
    QListView* view = terminal.view();
    QCOMPARE(view->selectionMode(), QAbstractItemView::ExtendedSelection);
    const QAbstractItemModel* model = view->model();
    view->selectionModel()->select(model->index(12, 0), QItemSelectionModel::Select);
    view->selectionModel()->select(model->index(10, 0), QItemSelectionModel::Select);
    QApplication::clipboard()->clear();
    terminal.activateWindow();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
    QStringList copied = QApplication::clipboard()->text().split('\n');
    QCOMPARE(copied.size(), 2);
    QCOMPARE(copied[0], terminal.visibleLines()[10]);
    QCOMPARE(copied[1], terminal.visibleLines()[12]);

    // The context menu's entries.
    QAction* copy = nullptr;
    QAction* copyAll = nullptr;
    for (QAction* action : view->actions()) {
      if (action->text() == "Copy") copy = action;
      if (action->text() == "Copy all") copyAll = action;
    }
    QVERIFY(copy && copyAll);
    QCOMPARE(view->contextMenuPolicy(), Qt::ActionsContextMenu);
    view->selectionModel()->select(model->index(50, 0), QItemSelectionModel::ClearAndSelect);
    QApplication::clipboard()->clear();
    copy->trigger();
    QCOMPARE(QApplication::clipboard()->text(), terminal.visibleLines()[50]);
    copyAll->trigger();
    copied = QApplication::clipboard()->text().split('\n');
    QCOMPARE(copied.size(), 100);
    QCOMPARE(copied[99], terminal.visibleLines()[99]);
  }

  void followsAndHolds() {
    LogTerminal terminal;
    showTerminal(terminal);
    fill(terminal);
    QScrollBar* bar = terminal.view()->verticalScrollBar();
    QVERIFY(terminal.autoScroll());
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());

    // Following: new lines keep the newest in view.
    for (int i = 0; i < 200; ++i) terminal.append("info", "more");
    QTRY_COMPARE(terminal.lineCount(), kLineCount + 200);
    QTRY_COMPARE(bar->value(), bar->maximum());
    const QModelIndex newest = terminal.view()->model()->index(terminal.visibleLineCount() - 1, 0);
    QVERIFY(terminal.view()->viewport()->rect().intersects(terminal.view()->visualRect(newest)));

    // The user scrolling up stops following; new lines keep the view where it is.
    bar->setValue(bar->maximum() / 2);
    QVERIFY(!terminal.autoScroll());
    const int held = bar->value();
    const int topRow = terminal.view()->indexAt(QPoint(2, 2)).row();
    for (int i = 0; i < 500; ++i) terminal.append("info", "more");
    terminal.flush();
    QTest::qWait(100);  // the view lays the new rows out later
    QCOMPARE(bar->value(), held);
    QCOMPARE(terminal.view()->indexAt(QPoint(2, 2)).row(), topRow);
    QVERIFY(!terminal.autoScroll());

    // Scrolling back to the bottom resumes following.
    bar->setValue(bar->maximum());
    QVERIFY(terminal.autoScroll());
    for (int i = 0; i < 500; ++i) terminal.append("info", "more");
    terminal.flush();
    QCOMPARE(bar->value(), bar->maximum());

    // The Follow button.
    QToolButton* follow = nullptr;
    for (QToolButton* b : terminal.findChildren<QToolButton*>())
      if (b->accessibleName() == "Follow") follow = b;
    QVERIFY(follow && follow->isCheckable() && follow->isChecked());
    follow->click();
    QVERIFY(!terminal.autoScroll());
    bar->setValue(10);
    terminal.append("info", "more");
    terminal.flush();
    QCOMPARE(bar->value(), 10);
    follow->click();
    QVERIFY(terminal.autoScroll());
    QCOMPARE(bar->value(), bar->maximum());
  }

  void clearEmpties() {
    LogTerminal terminal;
    fill(terminal);
    QCOMPARE(terminal.lineCount(), kLineCount);
    terminal.append("info", "pending");  // still queued
    terminal.clear();
    QCOMPARE(terminal.lineCount(), 0);
    QCOMPARE(terminal.visibleLineCount(), 0);
    terminal.flush();
    QCOMPARE(terminal.lineCount(), 0);
  }

  void capDropsOldestInBlocks() {
    LogModel model;
    const int total = LogModel::kMaxLines + 10;
    for (int i = 0; i < total; ++i) {
      model.append(LogModel::Info, QStringLiteral("m"));
      if (i % 50000 == 0) model.flush();
    }
    model.append(LogModel::Error, QStringLiteral("newest"));
    model.flush();
    QVERIFY(model.lineCount() <= LogModel::kMaxLines);
    QVERIFY(model.lineCount() < LogModel::kMaxLines - 1000);  // a block went, not single lines
    QVERIFY(model.formatLine(model.rowCount() - 1).endsWith("ERROR newest"));
  }

  void controlsAreAccessible() {
    LogTerminal terminal;
    // The terminal's own buttons (not the search field's clear button).
    const auto buttons = terminal.findChildren<QToolButton*>(QString(), Qt::FindDirectChildrenOnly);
    QVERIFY(buttons.size() >= 5);
    for (QToolButton* b : buttons) {
      QVERIFY2(!b->accessibleName().isEmpty(), qPrintable(b->text()));
      QVERIFY2(!b->toolTip().isEmpty(), qPrintable(b->accessibleName()));
      QVERIFY(b->focusPolicy() & Qt::TabFocus);
    }
    QStringList names;
    for (QToolButton* b : buttons) names << b->accessibleName();
    for (const char* name : {"Find previous", "Find next", "Follow", "Save", "Clear"})
      QVERIFY2(names.contains(name), qPrintable(name));
    QVERIFY(!terminal.searchField()->accessibleName().isEmpty());
    QVERIFY(!terminal.searchField()->toolTip().isEmpty());
    QVERIFY(!terminal.findChild<QComboBox*>()->accessibleName().isEmpty());
    QVERIFY(!terminal.view()->accessibleName().isEmpty());
  }
};

QTEST_MAIN(TestLogTerminal)
#include "test_log_terminal.moc"
