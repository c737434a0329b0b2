#pragma once
// The recently opened project files, newest first, kept in QSettings.

#include <QStringList>

namespace sds::widgets {

class RecentFiles {
 public:
  static constexpr int kMaxEntries = 10;

  QStringList list() const;       // only files that still exist
  void add(const QString& path);  // moves it to the front
  void remove(const QString& path);
  void clear();
};

}  // namespace sds::widgets
