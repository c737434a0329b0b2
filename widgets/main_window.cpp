#include "main_window.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QScreen>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>

#include "about_dialog.h"
#include "config/presets.h"
#include "getting_started.h"
#include "dataset_page.h"
#include "gpu_picker.h"
#include "model_picker.h"
#include "run_folder.h"
#include "samples_page.h"
#include "symbol_icon.h"
#include "trainer_process.h"
#include "training_page.h"
#include "embedded.h"
#include "swarm_page.h"
#include "trainer_location.h"
#include "project_document.h"
#include "project_page.h"
#include "recent_files.h"

namespace sds::widgets {
namespace {

const char* kProjectFilter = QT_TRANSLATE_NOOP("sds::widgets::MainWindow", "SD Studio projects (*.toml);;All files (*)");

QString lastFolder() {
  return QSettings().value("lastFolder", QStandardPaths::writableLocation(QStandardPaths::HomeLocation)).toString();
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  document_ = new ProjectDocument(this);
  buildPages();
  buildMenus();

  validationStatus_ = new QLabel(this);
  statusBar()->addPermanentWidget(validationStatus_);

  connect(document_, &ProjectDocument::changed, this, &MainWindow::refreshTitle);
  connect(projectPage_, &ProjectPage::edited, this, [this] { document_->update(projectPage_->project()); });
  connect(projectPage_, &ProjectPage::validated, this, &MainWindow::onValidated);
  connect(document_, &ProjectDocument::changed, this, &MainWindow::projectChanged);
  connect(datasetPage_, &DatasetPage::datasetPathChosen, this, &MainWindow::useDataset);
  connect(trainingPage_->modelPicker(), &ModelPicker::modelChosen, this,
          [this](const QString& path) { setProjectValue("model.path", path); });
  connect(trainingPage_->gpuPicker(), &GpuPicker::selectionChanged, this,
          [this](const QString& gpus) { setProjectValue("distributed.gpus", gpus); });
  connect(trainingPage_, &TrainingPage::startRequested, this, [this] { startTraining(); });
  connect(trainingPage_, &TrainingPage::resumeRequested, this, [this](const QString& checkpoint) {
    if (isDemoProject()) {
      startTraining();
    } else if (!document_->path().isEmpty()) {
      trainingPage_->startRun(document_->path(), runFolder(), checkpoint.isEmpty() ? "latest" : checkpoint);
    }
  });
  connect(trainingPage_->trainer(), &TrainerProcess::sample, samplesPage_, &SamplesPage::addSample);
  // A dataset the trainer generates (the demo's shapes) exists once training runs: show it then.
  connect(trainingPage_->trainer(), &TrainerProcess::stateChanged, this, [this](const QString& state) {
    if (state == "training" && datasetPage_->sampleCount() == 0 && !datasetPage_->isScanning()) datasetPage_->rescan();
  });
  connect(trainingPage_->trainer(), &TrainerProcess::ended, this, [this] {
    if (closeWhenTrainerEnds_) close();
  });

  connectGettingStarted();
  connectSwarm();

  document_->reset();
  projectPage_->setProject(document_->project());
  projectChanged();
  onValidated(projectPage_->errorCount(), projectPage_->warningCount());

  QSettings settings;
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) {
    // A comfortable first size that still fits small or highly scaled screens.
    const QSize available = screen()->availableGeometry().size() * 0.9;
    resize(QSize(1100, 760).boundedTo(available));
  }
  restoreState(settings.value("window/state").toByteArray());
  const int page = settings.value("window/page", 0).toInt();
  navigation_->setCurrentRow(page >= 0 && page < PageCount ? page : 0);
}

void MainWindow::buildPages() {
  navigation_ = new QListWidget(this);
  navigation_->setAccessibleName(tr("Sections"));
  navigation_->setIconSize(QSize(24, 24));
  navigation_->setSpacing(2);
  pages_ = new QStackedWidget(this);

  auto addPage = [this](Symbol icon, const QString& name, QWidget* page) {
    auto* item = new QListWidgetItem(symbolIcon(icon), name, navigation_);
    item->setToolTip(name);
    pages_->addWidget(page);
  };
  projectPage_ = new ProjectPage(this);
  addPage(Symbol::Project, tr("Project"), projectPage_);
  datasetPage_ = new DatasetPage(this);
  addPage(Symbol::Dataset, tr("Dataset"), datasetPage_);
  trainingPage_ = new TrainingPage(this);
  addPage(Symbol::Training, tr("Training"), trainingPage_);
  samplesPage_ = new SamplesPage(this);
  addPage(Symbol::Samples, tr("Samples"), samplesPage_);
  swarmPage_ = new SwarmPage(this);
  addPage(Symbol::Swarm, tr("Swarm"), swarmPage_);
  connect(navigation_, &QListWidget::currentRowChanged, pages_, &QStackedWidget::setCurrentIndex);

  auto* splitter = new QSplitter(this);
  splitter->addWidget(navigation_);
  splitter->addWidget(pages_);
  splitter->setStretchFactor(1, 1);
  splitter->setSizes({navigation_->sizeHintForColumn(0) + 48, 900});
  splitter->setChildrenCollapsible(false);
  setCentralWidget(splitter);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&New Project"), QKeySequence::New, this, &MainWindow::newProject);
  file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::openWithDialog);
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  file->addAction(tr("Open &Demo Project"), this, [this] {
    if (maybeSave()) openDemoProject();
  });
  file->addSeparator();
  file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::save);
  file->addAction(tr("Save &As…"), QKeySequence::SaveAs, this, &MainWindow::saveAs);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
  quit->setMenuRole(QAction::QuitRole);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (int i = 0; i < navigation_->count(); ++i) {
    QAction* action = view->addAction(navigation_->item(i)->text());
    action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    connect(action, &QAction::triggered, this, [this, i] { navigation_->setCurrentRow(i); });
  }

  view->addSeparator();
  gettingStartedAction_ = view->addAction(tr("&Getting Started Steps"));
  gettingStartedAction_->setCheckable(true);
  gettingStartedAction_->setChecked(!QSettings().value("gettingStarted/hidden", false).toBool());
  connect(gettingStartedAction_, &QAction::toggled, this, [this](bool shown) {
    QSettings().setValue("gettingStarted/hidden", !shown);
    refreshGettingStarted();
  });

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About SD Studio"), this, &MainWindow::showAbout)->setMenuRole(QAction::AboutRole);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
  refreshRecentMenu();
}

void MainWindow::newProject() {
  if (!maybeSave()) return;
  document_->reset();
  projectPage_->setProject(document_->project());
  navigation_->setCurrentRow(ProjectPageIndex);
}

void MainWindow::openWithDialog() {
  if (!maybeSave()) return;
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), lastFolder(), tr(kProjectFilter));
  if (!path.isEmpty()) openProject(path);
}

bool MainWindow::openProject(const QString& path) {
  const config::LoadResult result = document_->open(path);
  const bool opened = QFileInfo(document_->path()) == QFileInfo(path);
  QStringList problems;
  for (const config::Diagnostic& d : result.diagnostics)
    if (d.isError()) problems << QString::fromStdString(d.format());
  if (!opened) {
    QMessageBox::warning(this, tr("Cannot Open Project"),
                         tr("%1 could not be opened:\n\n%2").arg(QDir::toNativeSeparators(path), problems.join('\n')));
    RecentFiles().remove(path);
    refreshRecentMenu();
    return false;
  }
  projectPage_->setProject(document_->project(), result.diagnostics);
  QSettings().setValue("lastFolder", QFileInfo(path).absolutePath());
  RecentFiles().add(path);
  refreshRecentMenu();
  navigation_->setCurrentRow(ProjectPageIndex);
  if (!problems.isEmpty()) {
    QMessageBox box(QMessageBox::Warning, tr("Problems in the Project File"),
                    tr("%n problem(s) were found in %1. Settings that could not be read show their default and are "
                       "marked on the Project page; the file itself is unchanged until you save.",
                       nullptr, static_cast<int>(problems.size()))
                        .arg(QFileInfo(path).fileName()),
                    QMessageBox::Ok, this);
    box.setDetailedText(problems.join('\n'));
    box.exec();
  }
  return true;
}

bool MainWindow::openPath(const QString& path) {
  const QFileInfo info(path);
  if (!info.isDir()) return openProject(path);
  if (!maybeSave()) return false;
  document_->reset();
  projectPage_->setProject(document_->project());
  useDataset(info.absoluteFilePath());
  navigation_->setCurrentRow(DatasetPageIndex);
  return true;
}

bool MainWindow::openDemoProject() {
  const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/demo";
  const QString path = folder + "/demo.toml";
  // The demo's two projects (the autoencoder first, then the text-to-image model that uses it) are
  // copied once; the user's edits to them are kept from then on.
  const std::pair<QString, std::string_view> files[] = {{folder + "/demo_vae.toml", resources::demoVaeProject()},
                                                        {path, resources::demoProject()}};
  for (const auto& [file, text] : files) {
    if (QFileInfo::exists(file)) continue;
    QDir().mkpath(folder);
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(text.data(), static_cast<qint64>(text.size())) < 0) {
      QMessageBox::warning(this, tr("Cannot Open Demo"),
                           tr("The demo project could not be written to %1: %2")
                               .arg(QDir::toNativeSeparators(file), out.errorString()));
      return false;
    }
  }
  return openProject(path);
}

bool MainWindow::save() {
  if (document_->path().isEmpty()) return saveAs();
  return saveTo(document_->path());
}

bool MainWindow::saveAs() {
  QString suggested = document_->path();
  if (suggested.isEmpty())
    suggested = QDir(lastFolder()).filePath(QString::fromStdString(document_->project().getString("project.name")) +
                                            ".toml");
  QString path = QFileDialog::getSaveFileName(this, tr("Save Project As"), suggested, tr(kProjectFilter));
  if (path.isEmpty()) return false;
  if (QFileInfo(path).suffix().isEmpty()) path += ".toml";
  return saveTo(path);
}

bool MainWindow::saveTo(const QString& path) {
  const QStringList unreadable = projectPage_->unreadableSettings();
  if (!unreadable.isEmpty()) {
    QMessageBox::warning(this, tr("Cannot Save"),
                         tr("These settings hold text that is not a valid number: %1. Correct them on the Project "
                            "page, then save again.")
                             .arg(unreadable.join(", ")));
    navigation_->setCurrentRow(ProjectPageIndex);
    return false;
  }
  if (projectPage_->errorCount() > 0) {
    const auto answer = QMessageBox::question(
        this, tr("Save With Problems?"),
        tr("The project has %n problem(s) marked on the Project page. Training will not start until they are "
           "fixed. Save anyway?",
           nullptr, projectPage_->errorCount()),
        QMessageBox::Save | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Save) return false;
  }
  const QString rewriteReason = document_->rewriteReason();
  if (!rewriteReason.isEmpty()) {
    const auto answer = QMessageBox::question(
        this, tr("Rewrite the Project File?"),
        tr("Your comments and layout in %1 cannot be kept: %2.\n\nSaving writes the file anew, with every "
           "setting listed and explained. Save anyway?")
            .arg(QDir::toNativeSeparators(document_->path()), rewriteReason),
        QMessageBox::Save | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Save) return false;
  }
  QString error;
  if (!document_->saveAs(path, &error)) {
    QMessageBox::critical(this, tr("Cannot Save"),
                          tr("The project could not be saved, and the file on disk is unchanged.\n\n%1").arg(error));
    return false;
  }
  QSettings().setValue("lastFolder", QFileInfo(path).absolutePath());
  RecentFiles().add(path);
  refreshRecentMenu();
  statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(document_->path())), 5000);
  return true;
}

bool MainWindow::maybeSave() {
  if (!document_->isModified()) return true;
  QMessageBox box(QMessageBox::Warning, tr("Unsaved Changes"),
                  tr("%1 has unsaved changes. Save them?").arg(document_->displayName()),
                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
  box.setDefaultButton(QMessageBox::Save);
  box.button(QMessageBox::Save)->setText(tr("Save"));
  box.button(QMessageBox::Discard)->setText(tr("Discard"));
  box.button(QMessageBox::Cancel)->setText(tr("Cancel"));
  switch (box.exec()) {
    case QMessageBox::Save: return save();
    case QMessageBox::Discard: return true;
    default: return false;
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!endTrainingBeforeClose()) {
    event->ignore();
    return;
  }
  if (!maybeSave()) {
    event->ignore();
    return;
  }
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  settings.setValue("window/page", navigation_->currentRow());
  event->accept();
}

QString MainWindow::runFolder() const { return runFolderOf(document_->project(), document_->path()); }

QString MainWindow::demoSamplesIntroduction() {
  return tr("<b>What the demo learns.</b> A tiny text-to-image model, trained from nothing on this computer, "
            "learns to draw the shape (circle, square or triangle), the shape's colour and the background's "
            "colour that a prompt names. Each column is one prompt; read it downwards to see its image turn from "
            "blurs into the named shape and colours. The first four prompts are in the training set; the last "
            "four are combinations the training set leaves out, so getting them right shows the model follows "
            "the words instead of recalling pictures. While the autoencoder trains first, its reconstructions "
            "show here too: inputs above, what it gives back below.");
}

bool MainWindow::isDemoProject() const {
  const QString demo = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/demo/demo.toml";
  return !document_->path().isEmpty() && QFileInfo(document_->path()) == QFileInfo(demo);
}

void MainWindow::projectChanged() {
  const config::Project& project = document_->project();
  const QString folder = document_->path().isEmpty() ? QDir::currentPath() : QFileInfo(document_->path()).absolutePath();
  datasetPage_->setProject(project, folder);
  const bool scratch = project.getString("model.init") == "scratch";
  trainingPage_->gpuPicker()->setSelection(QString::fromStdString(project.getString("distributed.gpus")));
  trainingPage_->modelPicker()->setModel(QString::fromStdString(project.getString("model.path")), folder,
                                          scratch ? QString::fromStdString(project.getString("model.architecture"))
                                                  : QString());
  // The gallery follows the run folder, not every edit: it is listed again only when that changes.
  const QString run = runFolder();
  if (samplesPage_->property("runFolder").toString() != run) {
    samplesPage_->setProperty("runFolder", run);
    samplesPage_->setRunFolder(run);
  }
  const bool demo = isDemoProject();
  if (demo != samplesPage_->property("demo").toBool()) {
    samplesPage_->setProperty("demo", demo);
    samplesPage_->setIntroduction(demo ? demoSamplesIntroduction() : QString());
    samplesPage_->setView(demo ? SamplesPage::View::Grid : SamplesPage::View::Gallery);
  }
  refreshGettingStarted();
}

void MainWindow::takeProject(const config::Project& project) {
  document_->update(project);
  projectPage_->setProject(project);
}

void MainWindow::setProjectValue(const char* key, const QString& value) {
  config::Project project = document_->project();
  project.set(key, config::Value(value.toStdString()));
  takeProject(project);
}

void MainWindow::connectSwarm() {
  TrainerProcess* trainer = trainingPage_->trainer();
  connect(trainer, &TrainerProcess::swarmState, swarmPage_, &SwarmPage::onSwarmState);
  connect(trainer, &TrainerProcess::swarmStatus, swarmPage_, &SwarmPage::onSwarmStatus);
  connect(trainer, &TrainerProcess::swarmRound, swarmPage_, &SwarmPage::onSwarmRound);
  connect(trainer, &TrainerProcess::started, swarmPage_, [this] {
    swarmPage_->clear();
    swarmPage_->setTrainingRunning(true);
  });
  connect(trainer, &TrainerProcess::ended, swarmPage_, [this] { swarmPage_->setTrainingRunning(false); });
  connect(swarmPage_, &SwarmPage::joinRequested, this, &MainWindow::joinSwarm);
  connect(swarmPage_, &SwarmPage::leaveRequested, trainer, &TrainerProcess::leaveSwarm);
  connect(swarmPage_, &SwarmPage::createRequested, this, &MainWindow::createSwarm);
  connect(trainingPage_, &TrainingPage::joinSwarmRequested, swarmPage_, &SwarmPage::openJoinDialog);
}

void MainWindow::joinSwarm(const protocol::Command& join) {
  QStringList peers;
  for (const std::string& p : join.peers) peers << QString::fromStdString(p);
  swarmPage_->setRun(QString::fromStdString(join.runKey), peers);
  if (trainingPage_->trainer()->isRunning()) {
    trainingPage_->trainer()->joinSwarm(join);
    return;
  }
  // No training yet: the project trains as a peer of that swarm from its start.
  config::Project project = document_->project();
  project.set("swarm.enabled", config::Value(true));
  project.set("swarm.run_key", config::Value(join.runKey));
  project.set("swarm.peers", config::Value(join.peers));
  if (join.port) project.set("swarm.port", config::Value(std::int64_t(*join.port)));
  if (join.clientMode) project.set("swarm.client_mode", config::Value(*join.clientMode));
  if (join.upnp) project.set("swarm.upnp", config::Value(*join.upnp));
  takeProject(project);
  statusBar()->showMessage(tr("The project joins the swarm when training starts"), 8000);
}

void MainWindow::createSwarm() {
  QProcess process;
  process.start(sdtrainPath(), {"swarm", "new-key"});
  const QString key = process.waitForFinished(15000) ? QString::fromUtf8(process.readAllStandardOutput()).trimmed() : QString();
  if (!key.startsWith("sdsrun-")) {
    QMessageBox::warning(this, tr("Create a swarm"),
                         tr("sdtrain could not make a run key: %1")
                             .arg(process.errorString() + " " + QString::fromUtf8(process.readAllStandardError())));
    return;
  }
  config::Project project = document_->project();
  project.set("swarm.enabled", config::Value(true));
  project.set("swarm.run_key", config::Value(key.toStdString()));
  project.set("swarm.peers", config::Value(config::StringList{}));
  takeProject(project);
  swarmPage_->setRun(key, {});
  statusBar()->showMessage(tr("A new swarm for this project: start training, then copy the invitation"), 8000);
}

void MainWindow::useDataset(const QString& path) {
  // Also replaces the demo's generated "shapes".
  setProjectValue("dataset.kind", "auto");
  setProjectValue("dataset.path", path);
}

void MainWindow::connectGettingStarted() {
  GettingStartedPanel* steps = projectPage_->gettingStarted();
  ModelPicker* model = trainingPage_->modelPicker();
  connect(steps, &GettingStartedPanel::chooseModelFolder, this, [this, model] {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Base Model Folder"), lastFolder());
    if (!path.isEmpty()) model->pick(path);
  });
  connect(steps, &GettingStartedPanel::chooseModelFile, this, [this, model] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Base Model File"), lastFolder(),
                                                      tr("Checkpoints (*.safetensors);;All files (*)"));
    if (!path.isEmpty()) model->pick(path);
  });
  connect(steps, &GettingStartedPanel::chooseImages, this, [this] {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Image Folder"), lastFolder());
    if (path.isEmpty()) return;
    useDataset(path);
    navigation_->setCurrentRow(DatasetPageIndex);
  });
  connect(steps, &GettingStartedPanel::startRequested, this, [this] { startTraining(); });
  connect(steps, &GettingStartedPanel::demoRequested, this, [this] {
    if (maybeSave() && openDemoProject()) startTraining();
  });
  connect(steps, &GettingStartedPanel::presetChosen, this, &MainWindow::applyPreset);
  connect(steps, &GettingStartedPanel::hideRequested, this, [this] { gettingStartedAction_->setChecked(false); });
  connect(trainingPage_->gpuPicker(), &GpuPicker::listed, steps, [steps](int count) { steps->setGpuFound(count > 0); });
  if (trainingPage_->gpuPicker()->listedCount() >= 0) steps->setGpuFound(trainingPage_->gpuPicker()->listedCount() > 0);
  connect(model, &ModelPicker::checked, this, &MainWindow::refreshGettingStarted);
  connect(datasetPage_, &DatasetPage::scanFinished, this, &MainWindow::refreshGettingStarted);
  connect(trainingPage_->trainer(), &TrainerProcess::stateChanged, this, &MainWindow::refreshGettingStarted);
}

void MainWindow::refreshGettingStarted() {
  GettingStartedPanel* steps = projectPage_->gettingStarted();
  const config::Project& project = document_->project();
  const ModelPicker* model = trainingPage_->modelPicker();
  const QString modelPath = QString::fromStdString(project.getString("model.path"));
  if (model->status() == ModelPicker::Status::Scratch)
    steps->setStep(GettingStartedPanel::ModelStep, true,
                   tr("A new model from scratch (%1)").arg(QString::fromStdString(project.getString("model.architecture"))));
  else if (model->status() == ModelPicker::Status::Usable)
    steps->setStep(GettingStartedPanel::ModelStep, true,
                   tr("%1: %2").arg(model->description(), QDir::toNativeSeparators(modelPath)));
  else if (model->status() == ModelPicker::Status::Refused)
    steps->setStep(GettingStartedPanel::ModelStep, false, model->refusal());
  else
    steps->setStep(GettingStartedPanel::ModelStep, false, {});

  const bool generated = project.getString("dataset.kind") == "shapes";
  const int images = datasetPage_->sampleCount();
  if (generated)
    steps->setStep(GettingStartedPanel::ImagesStep, true, tr("Generated by the trainer (the demo's shapes)"));
  else if (images > 0)
    steps->setStep(GettingStartedPanel::ImagesStep, true,
                   tr("%n usable image(s) in %1", nullptr, images).arg(QDir::toNativeSeparators(datasetPage_->datasetPath())));
  else
    steps->setStep(GettingStartedPanel::ImagesStep, false,
                   project.getString("dataset.path").empty() ? QString() : datasetPage_->errorText());

  const bool started = trainingPage_->isRunning() || !latestCheckpoint(runFolder()).isEmpty();
  // Where the run will be written is said before it starts; an untitled project's folder follows
  // from where it is saved.
  const QString whereRunsGo =
      document_->path().isEmpty()
          ? tr("Start training; the loss, the log and sample images appear on the Training page. The run (its "
               "checkpoints, samples, logs and the trained model) is written to the output folder beside the "
               "project file once it is saved (Output → Output folder).")
          : tr("Start training; the loss, the log and sample images appear on the Training page. The run (its "
               "checkpoints, samples, logs and the trained model) is written to %1.")
                .arg(QDir::toNativeSeparators(runFolder()));
  steps->setStep(GettingStartedPanel::StartStep, started,
                 started ? tr("Training has run; its checkpoints are in %1").arg(QDir::toNativeSeparators(runFolder()))
                         : whereRunsGo);
  const bool wanted = !gettingStartedAction_ || gettingStartedAction_->isChecked();
  steps->setVisible(wanted && !steps->allDone());
}

void MainWindow::applyPreset(const QString& id) {
  const config::Preset* preset = config::findPreset(id.toStdString());
  if (!preset) return;
  const config::Project project = config::applyPreset(*preset, document_->project());
  takeProject(project);
  statusBar()->showMessage(tr("Applied the preset “%1” for %2 GB cards")
                               .arg(QCoreApplication::translate("Preset", preset->title))
                               .arg(preset->cardGiB),
                           5000);
}

bool MainWindow::startTraining(ExistingRun existingRun) {
  if (trainingPage_->isRunning()) return false;
  navigation_->setCurrentRow(TrainingPageIndex);
  if (document_->isModified() || document_->path().isEmpty()) {
    if (!save()) return false;
  }
  if (projectPage_->errorCount() > 0) {
    QMessageBox::warning(this, tr("Cannot Start Training"),
                         tr("The project has %n problem(s) marked on the Project page. Fix them, then start again.",
                            nullptr, projectPage_->errorCount()));
    navigation_->setCurrentRow(ProjectPageIndex);
    return false;
  }
  if (isDemoProject())
    return trainingPage_->startDemo(QFileInfo(document_->path()).absolutePath(), runFolder());
  const ModelPicker* model = trainingPage_->modelPicker();
  if (model->status() == ModelPicker::Status::Refused) {
    QMessageBox::warning(this, tr("Cannot Start Training"),
                         tr("The base model cannot be used:\n\n%1").arg(model->refusal()));
    return false;
  }
  const QString run = runFolder();
  QString resume;
  const QString latest = latestCheckpoint(run);
  if (!latest.isEmpty() && existingRun == ExistingRun::Resume) {
    statusBar()->showMessage(tr("Resuming the run from its checkpoint at step %1").arg(checkpointStep(latest)));
    resume = "latest";
  } else if (!latest.isEmpty()) {
    // The trainer never overwrites a run: continuing it is the one way to use this folder.
    QMessageBox box(QMessageBox::Question, tr("Resume Training?"),
                    tr("The run folder %1 already holds checkpoints, the newest at step %2. Resume the run from "
                       "there?\n\nTo start a new run instead, choose another folder in Output → Output folder on the "
                       "Project page.")
                        .arg(QDir::toNativeSeparators(run))
                        .arg(checkpointStep(latest)),
                    QMessageBox::Cancel, this);
    QPushButton* resumeButton = box.addButton(tr("Resume"), QMessageBox::AcceptRole);
    box.setDefaultButton(resumeButton);
    box.exec();
    if (box.clickedButton() != resumeButton) return false;
    resume = "latest";
  }
  return trainingPage_->startRun(document_->path(), run, resume);
}

bool MainWindow::endTrainingBeforeClose() {
  TrainerProcess* trainer = trainingPage_->trainer();
  if (!trainer->isRunning()) return true;
  if (closeWhenTrainerEnds_) {
    const auto answer = QMessageBox::question(
        this, tr("Trainer Still Stopping"),
        tr("The trainer is still stopping (it may be writing a checkpoint). Quit now and end it at once?"),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes) return false;
    trainer->kill();
    trainer->waitForFinished(5000);
    return true;
  }
  QMessageBox box(QMessageBox::Question, tr("Training in Progress"),
                  tr("Training is still running. Stop it before closing?"), QMessageBox::NoButton, this);
  QPushButton* stopSave = box.addButton(tr("Stop with a Checkpoint"), QMessageBox::AcceptRole);
  QPushButton* cancelRun = box.addButton(tr("Cancel Training"), QMessageBox::DestructiveRole);
  QPushButton* keep = box.addButton(tr("Keep Training"), QMessageBox::RejectRole);
  box.setInformativeText(tr("With a checkpoint the run can be resumed later from where it stopped; cancelling "
                            "keeps only the checkpoints already written."));
  box.setDefaultButton(stopSave);
  box.setEscapeButton(keep);
  box.exec();
  if (box.clickedButton() != stopSave && box.clickedButton() != cancelRun) return false;
  trainer->stop(box.clickedButton() == stopSave);
  // The window closes once the trainer has ended (see the ended connection).
  closeWhenTrainerEnds_ = true;
  statusBar()->showMessage(tr("Stopping the trainer; the window closes when it has ended…"));
  return false;
}

void MainWindow::refreshTitle() {
  setWindowFilePath(document_->path());
  setWindowTitle(tr("%1[*] — SD Studio").arg(document_->displayName()));
  setWindowModified(document_->isModified());
}

void MainWindow::refreshRecentMenu() {
  recentMenu_->clear();
  const QStringList paths = RecentFiles().list();
  for (const QString& path : paths) {
    recentMenu_->addAction(QDir::toNativeSeparators(path), this, [this, path] {
      if (maybeSave()) openProject(path);
    });
  }
  if (!paths.isEmpty()) {
    recentMenu_->addSeparator();
    recentMenu_->addAction(tr("Clear List"), this, [this] {
      RecentFiles().clear();
      refreshRecentMenu();
    });
  }
  recentMenu_->setEnabled(!paths.isEmpty());
}

void MainWindow::showAbout() {
  AboutDialog dialog(this);
  dialog.exec();
}

void MainWindow::onValidated(int errors, int warnings) {
  if (errors == 0 && warnings == 0)
    validationStatus_->setText(tr("Project valid"));
  else
    validationStatus_->setText(tr("%n error(s)", nullptr, errors) + ", " + tr("%n warning(s)", nullptr, warnings));
}

}  // namespace sds::widgets
