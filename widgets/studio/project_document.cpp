#include "project_document.h"

#include <QFileInfo>

#include <algorithm>

#include "config/project_editor.h"
#include "util/atomic_file.h"

namespace sds::widgets {

ProjectDocument::ProjectDocument(QObject* parent) : QObject(parent) {}

QString ProjectDocument::displayName() const {
  return path_.isEmpty() ? tr("Untitled") : QFileInfo(path_).fileName();
}

void ProjectDocument::reset() {
  path_.clear();
  fileText_.clear();
  saved_ = config::Project();
  current_ = saved_;
  emit changed();
}

config::LoadResult ProjectDocument::open(const QString& path) {
  std::string text;
  try {
    text = readFile(path.toStdString());
  } catch (const std::exception&) {
    return config::loadProject(path.toStdString());  // the reason the file cannot be read, as a diagnostic
  }
  config::LoadResult result = config::parseProject(text, path.toStdString());
  // A file that cannot be read, or is not TOML at all, has diagnostics without a key and nothing to show.
  const bool unusable = std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                                    [](const config::Diagnostic& d) { return d.key.empty(); });
  if (unusable) return result;
  path_ = QFileInfo(path).absoluteFilePath();
  fileText_ = std::move(text);  // saving edits this text in place
  saved_ = result.project;
  current_ = result.project;
  emit changed();
  return result;
}

std::string ProjectDocument::text(QString* rewriteReason) const {
  if (!fileText_.empty()) {
    config::EditedProjectText edited = config::editProjectText(fileText_, current_);
    if (edited.text) return std::move(*edited.text);
    if (rewriteReason) *rewriteReason = QString::fromStdString(edited.reason);
  }
  return config::writeProject(current_);
}

QString ProjectDocument::rewriteReason() const {
  QString reason;
  text(&reason);
  return reason;
}

bool ProjectDocument::saveAs(const QString& path, QString* error) {
  std::string content = text(nullptr);
  try {
    writeFileAtomically(path.toStdString(), content);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  fileText_ = std::move(content);
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
