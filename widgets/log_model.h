#pragma once
// The lines of the log terminal: every line kept (up to a cap, the oldest dropped in blocks), rows
// are the lines at or above the minimum level. Appends are queued and inserted in one batch per
// flush, so a trainer logging thousands of lines a second costs the view one update per flush.

#include <QAbstractListModel>
#include <QColor>
#include <QDateTime>
#include <vector>

namespace sds::widgets {

class LogModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Level { Trace, Debug, Info, Warn, Error };
  static Level parseLevel(const QString& level);  // unknown names are Info
  static const char* levelName(Level level);

  explicit LogModel(QObject* parent = nullptr);

  void append(Level level, const QString& message);  // queued until flush()
  void flush();
  void clear();
  void setMinimumLevel(Level level);
  Level minimumLevel() const { return minimum_; }
  // Colours for the levels, chosen for the background they are shown on.
  void setColours(const QColor& text, const QColor& background);

  int lineCount() const { return int(lines_.size()); }
  QString formatLine(int row) const;       // a visible row as "HH:mm:ss.zzz LEVEL message"
  QString message(int row) const;
  QStringList allFormatted() const;        // every line, whatever the filter
  static constexpr int kMaxLines = 1000000;

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;

 private:
  struct Line {
    QDateTime time;
    Level level;
    QString message;
  };
  QString format(const Line& line) const;
  void rebuildVisible();

  std::vector<Line> lines_;
  std::vector<Line> pending_;
  std::vector<int> visible_;  // indices into lines_
  Level minimum_ = Trace;
  QColor colours_[5];
};

}  // namespace sds::widgets
