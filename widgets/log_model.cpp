#include "log_model.h"

#include <QFont>
#include <QFontDatabase>

namespace sds::widgets {

LogModel::Level LogModel::parseLevel(const QString& level) {
  if (level == "trace") return Trace;
  if (level == "debug") return Debug;
  if (level == "warn" || level == "warning") return Warn;
  if (level == "error" || level == "critical") return Error;
  return Info;
}

const char* LogModel::levelName(Level level) {
  static const char* names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
  return names[level];
}

LogModel::LogModel(QObject* parent) : QAbstractListModel(parent) { setColours(Qt::black, Qt::white); }

void LogModel::setColours(const QColor& text, const QColor& background) {
  const bool dark = background.lightness() < 128;
  QColor dim = text;
  dim.setAlphaF(0.6);
  colours_[Trace] = dim;
  colours_[Debug] = dim;
  colours_[Info] = text;
  colours_[Warn] = dark ? QColor(255, 183, 77) : QColor(161, 92, 0);
  colours_[Error] = dark ? QColor(255, 110, 110) : QColor(190, 30, 30);
  if (!visible_.empty()) emit dataChanged(index(0), index(int(visible_.size()) - 1), {Qt::ForegroundRole});
}

void LogModel::append(Level level, const QString& message) {
  pending_.push_back({QDateTime::currentDateTime(), level, message});
}

void LogModel::flush() {
  if (pending_.empty()) return;
  if (lines_.size() + pending_.size() > std::size_t(kMaxLines)) {
    // Dropping the oldest tenth at once keeps this rare.
    beginResetModel();
    const std::size_t keep = std::size_t(kMaxLines) * 9 / 10;
    std::vector<Line> all;
    all.reserve(keep + pending_.size());
    const std::size_t total = lines_.size() + pending_.size();
    const std::size_t skip = total > keep ? total - keep : 0;
    for (std::size_t i = skip; i < lines_.size(); ++i) all.push_back(std::move(lines_[i]));
    for (std::size_t i = skip > lines_.size() ? skip - lines_.size() : 0; i < pending_.size(); ++i)
      all.push_back(std::move(pending_[i]));
    lines_ = std::move(all);
    pending_.clear();
    rebuildVisible();
    endResetModel();
    return;
  }
  std::vector<int> added;
  for (Line& line : pending_) {
    if (line.level >= minimum_) added.push_back(int(lines_.size()));
    lines_.push_back(std::move(line));
  }
  pending_.clear();
  if (added.empty()) return;
  const int first = int(visible_.size());
  beginInsertRows({}, first, first + int(added.size()) - 1);
  visible_.insert(visible_.end(), added.begin(), added.end());
  endInsertRows();
}

void LogModel::clear() {
  beginResetModel();
  lines_.clear();
  pending_.clear();
  visible_.clear();
  endResetModel();
}

void LogModel::setMinimumLevel(Level level) {
  flush();
  beginResetModel();
  minimum_ = level;
  rebuildVisible();
  endResetModel();
}

void LogModel::rebuildVisible() {
  visible_.clear();
  for (int i = 0; i < int(lines_.size()); ++i)
    if (lines_[i].level >= minimum_) visible_.push_back(i);
}

QString LogModel::format(const Line& line) const {
  return line.time.toString("HH:mm:ss.zzz") + ' ' + QString(levelName(line.level)).leftJustified(5) + ' ' +
         line.message;
}

QString LogModel::formatLine(int row) const { return format(lines_[visible_[row]]); }

QString LogModel::message(int row) const { return lines_[visible_[row]].message; }

QStringList LogModel::allFormatted() const {
  QStringList out;
  out.reserve(int(lines_.size()));
  for (const Line& line : lines_) out << format(line);
  return out;
}

int LogModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(visible_.size()); }

QVariant LogModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= int(visible_.size())) return {};
  const Line& line = lines_[visible_[index.row()]];
  switch (role) {
    case Qt::DisplayRole: return format(line);
    case Qt::ForegroundRole: return colours_[line.level];
    case Qt::ToolTipRole: return line.time.toString(Qt::ISODateWithMs);
    default: return {};
  }
}

}  // namespace sds::widgets
