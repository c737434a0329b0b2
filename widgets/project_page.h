#pragma once
// The Project page: every setting of the project file, generated from the schema — one group per
// section, an editor per setting with its help as tooltip and its validation message inline; above
// them, the getting-started steps and presets for a first run.

#include <QMap>
#include <QWidget>
#include <vector>

#include "config/diagnostic.h"
#include "config/project.h"

class QLineEdit;
class QScrollArea;

namespace sds::widgets {

class GettingStartedPanel;
class SettingEditor;

class ProjectPage : public QWidget {
  Q_OBJECT
 public:
  explicit ProjectPage(QWidget* parent = nullptr);

  // Shows `project` in the editors; `fileDiagnostics` are problems found when reading its file
  // (a value of the wrong type, an unknown key), shown until the setting is edited.
  void setProject(const config::Project& project, const std::vector<config::Diagnostic>& fileDiagnostics = {});

  // The edited project. Settings whose text cannot be read keep their last readable value;
  // unreadableSettings() names them.
  config::Project project() const { return project_; }
  QStringList unreadableSettings() const;

  // Problems of the edited project: every value, and the rules between settings.
  int errorCount() const { return errors_; }
  int warningCount() const { return warnings_; }

  SettingEditor* editor(const QString& key) const { return editors_.value(key); }
  GettingStartedPanel* gettingStarted() const { return gettingStarted_; }
  QList<QString> keys() const { return editors_.keys(); }

 signals:
  // The user changed a setting.
  void edited();
  // The number of problems changed.
  void validated(int errors, int warnings);

 private:
  void onEdited(SettingEditor* editor);
  void revalidate();
  void filter(const QString& text);

  config::Project project_;
  QMap<QString, SettingEditor*> editors_;
  QMap<QString, QString> fileMessages_;  // key → message from reading the file
  GettingStartedPanel* gettingStarted_ = nullptr;
  QLineEdit* search_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  std::vector<QWidget*> groups_;
  int errors_ = 0;
  int warnings_ = 0;
};

}  // namespace sds::widgets
