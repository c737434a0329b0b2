#include "trainer_location.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace sds::widgets {

QString sdtrainPath() {
  const QString fromEnvironment = qEnvironmentVariable("SDS_SDTRAIN");
  if (!fromEnvironment.isEmpty() && QFileInfo(fromEnvironment).isExecutable()) return fromEnvironment;
  const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath("sdtrain");
  if (QFileInfo(beside).isExecutable()) return beside;
  return QStandardPaths::findExecutable("sdtrain");
}

}  // namespace sds::widgets
