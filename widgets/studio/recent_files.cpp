#include "recent_files.h"

#include <QFileInfo>
#include <QSettings>

namespace sds::widgets {
namespace {
const char* kKey = "recentProjects";
}

QStringList RecentFiles::list() const {
  QStringList existing;
  for (const QString& path : QSettings().value(kKey).toStringList())
    if (QFileInfo::exists(path)) existing << path;
  return existing;
}

void RecentFiles::add(const QString& path) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  QStringList paths = QSettings().value(kKey).toStringList();
  paths.removeAll(absolute);
  paths.prepend(absolute);
  while (paths.size() > kMaxEntries) paths.removeLast();
  QSettings().setValue(kKey, paths);
}

void RecentFiles::remove(const QString& path) {
  QStringList paths = QSettings().value(kKey).toStringList();
  paths.removeAll(QFileInfo(path).absoluteFilePath());
  QSettings().setValue(kKey, paths);
}

void RecentFiles::clear() { QSettings().remove(kKey); }

}  // namespace sds::widgets
