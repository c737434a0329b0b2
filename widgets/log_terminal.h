#pragma once
// The live log of the trainer: lines coloured by level, a level filter, search, follow (auto-scroll
// that the user's scrolling up pauses), copy, save to a file and clear. Holds 100k+ lines: the view
// is a uniform-row list over LogModel, which inserts queued lines in batches.

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QTimer;
class QToolButton;

namespace sds::widgets {

class LogModel;

class LogTerminal : public QWidget {
  Q_OBJECT
 public:
  explicit LogTerminal(QWidget* parent = nullptr);

  // level: trace, debug, info, warn, error (others count as info).
  void append(const QString& level, const QString& message);
  void clear();
  // Shows queued lines now (otherwise at the next tick, at most 50 ms later).
  void flush();

  int lineCount() const;         // all lines held
  int visibleLineCount() const;  // at or above the minimum level
  QStringList visibleLines() const;
  bool saveTo(const QString& path, QString* error = nullptr);  // every line, atomically

  // "trace", "debug", "info", "warn" or "error".
  void setMinimumLevel(const QString& level);
  void setAutoScroll(bool on);
  bool autoScroll() const;
  // Selects the next (or previous) visible line containing the search text (case-insensitive),
  // wrapping around; false when none does.
  bool findNext(bool backwards = false);
  // "3 of 17" after a search found the 3rd of 17 matching lines, "No match", or empty.
  QString searchStatus() const;
  void copySelection();

  QListView* view() const { return view_; }
  QLineEdit* searchField() const { return search_; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyPalette();
  void onScrolled(int value);

  LogModel* model_ = nullptr;
  QListView* view_ = nullptr;
  QComboBox* level_ = nullptr;
  QLineEdit* search_ = nullptr;
  QLabel* searchStatus_ = nullptr;
  QToolButton* follow_ = nullptr;
  QTimer* flushTimer_ = nullptr;
};

}  // namespace sds::widgets
