#include "run_folder.h"

#include <QDir>
#include <QFileInfo>

namespace sds::widgets {

QString runFolderOf(const config::Project& project, const QString& projectFile) {
  const QString directory = QString::fromStdString(project.getString("output.directory"));
  if (QDir::isAbsolutePath(directory)) return QDir::cleanPath(directory);
  const QDir base = projectFile.isEmpty() ? QDir::current() : QFileInfo(projectFile).absoluteDir();
  return QDir::cleanPath(base.filePath(directory));
}

qint64 checkpointStep(const QString& checkpointFolder) {
  const QString name = QFileInfo(checkpointFolder).fileName();
  if (!name.startsWith("step-")) return -1;
  bool ok = false;
  const qint64 step = name.mid(5).toLongLong(&ok);
  return ok ? step : -1;
}

QString latestCheckpoint(const QString& runFolder) {
  const QDir checkpoints(QDir(runFolder).filePath("checkpoints"));
  QString newest;
  qint64 newestStep = -1;
  // Folders being written end in .partial and have no progress.json yet: both rule them out.
  for (const QFileInfo& entry : checkpoints.entryInfoList({"step-*"}, QDir::Dirs | QDir::NoDotAndDotDot)) {
    const qint64 step = checkpointStep(entry.filePath());
    if (step > newestStep && QFileInfo::exists(QDir(entry.filePath()).filePath("progress.json"))) {
      newestStep = step;
      newest = entry.absoluteFilePath();
    }
  }
  return newest;
}

}  // namespace sds::widgets
