#include "project_document.h"

#include <QFileInfo>

#include <algorithm>

namespace sds::widgets {

ProjectDocument::ProjectDocument(QObject* parent) : QObject(parent) {}

QString ProjectDocument::displayName() const {
  return path_.isEmpty() ? tr("Untitled") : QFileInfo(path_).fileName();
}

void ProjectDocument::reset() {
  path_.clear();
  saved_ = config::Project();
  current_ = saved_;
  emit changed();
}

config::LoadResult ProjectDocument::open(const QString& path) {
  config::LoadResult result = config::loadProject(path.toStdString());
  // A file that cannot be read, or is not TOML at all, has diagnostics without a key and nothing to show.
  const bool unusable = std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                                    [](const config::Diagnostic& d) { return d.key.empty(); });
  if (unusable) return result;
  path_ = QFileInfo(path).absoluteFilePath();
  saved_ = result.project;
  current_ = result.project;
  emit changed();
  return result;
}

bool ProjectDocument::saveAs(const QString& path, QString* error) {
  try {
    config::saveProject(current_, path.toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  path_ = QFileInfo(path).absoluteFilePath();
  saved_ = current_;
  emit changed();
  return true;
}

void ProjectDocument::update(const config::Project& project) {
  if (project == current_) return;
  current_ = project;
  emit changed();
}

}  // namespace sds::widgets
