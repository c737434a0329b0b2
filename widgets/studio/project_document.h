#pragma once
// The open project: its file (and the text it held), the values as last saved, and whether there
// are unsaved changes.

#include <QObject>
#include <QString>

#include "config/project.h"

namespace sds::widgets {

class ProjectDocument : public QObject {
  Q_OBJECT
 public:
  explicit ProjectDocument(QObject* parent = nullptr);

  QString path() const { return path_; }  // empty while untitled
  QString displayName() const;            // file name, or "Untitled"
  const config::Project& project() const { return current_; }
  bool isModified() const { return current_ != saved_; }

  // A new, untitled project with every default.
  void reset();

  // Reads a project file. On success (or with problems that still let it be shown) the document
  // holds it; the diagnostics say what was wrong. A file that cannot be read leaves the document as it was.
  config::LoadResult open(const QString& path);

  // Writes atomically; on failure returns false with the reason in *error and keeps the old file.
  // A project opened from a file is saved as that file's text with the changed values edited in
  // place (comments and layout kept); a new project, or a file whose text cannot be edited so, is
  // written as the complete generated file.
  bool saveAs(const QString& path, QString* error);

  // Why saving cannot keep the opened file's comments and layout (it is then written anew); empty
  // when it can, or when there is no file text to keep.
  QString rewriteReason() const;

  // The edited values (from the Project page).
  void update(const config::Project& project);

 signals:
  void changed();  // path, values or modified state changed

 private:
  // The text to edit on saving: what the file held when opened or last saved; empty for a new project.
  std::string text(QString* rewriteReason) const;

  QString path_;
  std::string fileText_;  // the file as last read or written
  config::Project saved_;
  config::Project current_;
};

}  // namespace sds::widgets
