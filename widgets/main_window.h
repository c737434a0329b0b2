#pragma once
// The studio window: navigation between Project, Dataset, Training, Samples and Swarm, the File
// menu for project files, and the unsaved-changes prompts.

#include <QMainWindow>

#include "protocol/events.h"

class QListWidget;
class QStackedWidget;
class QMenu;
class QLabel;

namespace sds::config {
class Project;
}

namespace sds::widgets {

class DatasetPage;
class ProjectDocument;
class ProjectPage;
class SamplesPage;
class SwarmPage;
class TrainingPage;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  enum Page { ProjectPageIndex, DatasetPageIndex, TrainingPageIndex, SamplesPageIndex, SwarmPageIndex, PageCount };

  explicit MainWindow(QWidget* parent = nullptr);

  // Opens a project file, reporting problems in a dialog; false when it could not be opened.
  bool openProject(const QString& path);
  // A path given on the command line or dropped on the program's icon: a project file opens; a folder
  // becomes the dataset of a new project and the Dataset page shows it. False when nothing opened.
  bool openPath(const QString& path);
  // Copies the built-in demo project into the user's data folder (once) and opens it.
  bool openDemoProject();

  ProjectDocument* document() const { return document_; }
  ProjectPage* projectPage() const { return projectPage_; }
  DatasetPage* datasetPage() const { return datasetPage_; }
  TrainingPage* trainingPage() const { return trainingPage_; }
  SamplesPage* samplesPage() const { return samplesPage_; }
  SwarmPage* swarmPage() const { return swarmPage_; }
  QListWidget* navigation() const { return navigation_; }
  QStackedWidget* pages() const { return pages_; }

  // The File menu's Save and Save As (Save asks for a path only while the project is untitled).
  bool save();
  bool saveAs();
  // Saves to `path`, asking first when the project has problems; false when not saved.
  bool saveTo(const QString& path);

  // Asks whether to save unsaved changes; false when the user cancels.
  bool maybeSave();

  // What Start does with a run folder that already holds checkpoints (the trainer never overwrites
  // a run): ask the user, or resume without asking (the screenshot tour, which nobody watches).
  enum class ExistingRun { Ask, Resume };
  // Start on the Training page: saves the project, checks it and its model, offers to resume a run
  // that has checkpoints, and starts sdtrain. False when nothing was started.
  bool startTraining(ExistingRun existingRun = ExistingRun::Ask);
  // The run folder of the open project.
  QString runFolder() const;

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void buildPages();
  void newProject();
  void openWithDialog();
  void refreshTitle();
  void refreshRecentMenu();
  void showAbout();
  void onValidated(int errors, int warnings);
  // The pages that show the project's dataset, model and run follow the open project.
  void projectChanged();
  // The project as changed here (a setting, a preset, a swarm): into the document and the page.
  void takeProject(const config::Project& project);
  void setProjectValue(const char* key, const QString& value);
  // The swarm page's Join (to the running trainer, or into the project for the next start), and a
  // new run key for the project.
  void connectSwarm();
  void joinSwarm(const protocol::Command& join);
  void createSwarm();
  bool isDemoProject() const;
  static QString demoSamplesIntroduction();
  // A picked or dropped dataset: a folder or shards ("auto" tells them apart).
  void useDataset(const QString& path);
  // The getting-started steps follow the project, its model, its images and its run.
  void connectGettingStarted();
  void refreshGettingStarted();
  void applyPreset(const QString& id);
  // Asks how to end a run in progress before the window closes; false keeps the window open.
  bool endTrainingBeforeClose();

  ProjectDocument* document_ = nullptr;
  ProjectPage* projectPage_ = nullptr;
  DatasetPage* datasetPage_ = nullptr;
  TrainingPage* trainingPage_ = nullptr;
  SamplesPage* samplesPage_ = nullptr;
  SwarmPage* swarmPage_ = nullptr;
  bool closeWhenTrainerEnds_ = false;
  QAction* gettingStartedAction_ = nullptr;
  QListWidget* navigation_ = nullptr;
  QStackedWidget* pages_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QLabel* validationStatus_ = nullptr;
};

}  // namespace sds::widgets
