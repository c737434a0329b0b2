#include "run_folder.h"

#include "train/run_layout.h"

namespace sds::widgets {

QString runFolderOf(const config::Project& project, const QString& projectFile) {
  return QString::fromStdString(train::runFolderOf(project, projectFile.toStdString()));
}

qint64 checkpointStep(const QString& checkpointFolder) {
  return train::checkpointStep(checkpointFolder.toStdString()).value_or(-1);
}

QString latestCheckpoint(const QString& runFolder) {
  return QString::fromStdString(train::latestCheckpoint(runFolder.toStdString()).value_or(std::string()));
}

}  // namespace sds::widgets
