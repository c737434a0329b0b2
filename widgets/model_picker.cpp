#include "model_picker.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>

#include "trainer_location.h"

namespace sds::widgets {

ModelPicker::ModelPicker(QWidget* parent) : QWidget(parent) {
  label_ = new QLabel(this);
  label_->setWordWrap(true);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  chooseFolder_ = new QPushButton(tr("Model folder…"), this);
  chooseFolder_->setToolTip(tr("Choose a diffusers model folder (with model_index.json)"));
  chooseFile_ = new QPushButton(tr("Checkpoint file…"), this);
  chooseFile_->setToolTip(tr("Choose a single-file checkpoint (.safetensors) as A1111 and ComfyUI use"));
  connect(chooseFolder_, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Base model folder"), baseFolder_);
    if (!folder.isEmpty()) pick(folder);
  });
  connect(chooseFile_, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Base model checkpoint"), baseFolder_,
                                                      tr("Checkpoints (*.safetensors);;All files (*)"));
    if (!file.isEmpty()) pick(file);
  });
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* caption = new QLabel(tr("Base model:"), this);
  layout->addWidget(caption);
  layout->addWidget(label_, 1);
  layout->addWidget(chooseFolder_);
  layout->addWidget(chooseFile_);
  show(tr("none chosen"), false);
}

ModelPicker::~ModelPicker() {
  // A check still running ends with the picker, without reporting to it.
  if (process_) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(5000);
  }
}

QString ModelPicker::description() const {
  return status_ == Status::Usable ? summary_.value("description").toString() : QString();
}

void ModelPicker::show(const QString& text, bool problem) {
  label_->setText(problem ? "<b>" + text.toHtmlEscaped() + "</b>" : text.toHtmlEscaped());
  label_->setAccessibleDescription(text);
}

void ModelPicker::setModel(const QString& path, const QString& baseFolder, const QString& scratchArchitecture) {
  baseFolder_ = baseFolder;
  if (!scratchArchitecture.isEmpty()) {
    path_.clear();
    status_ = Status::Scratch;
    show(tr("new weights from scratch (architecture %1)").arg(scratchArchitecture), false);
    emit checked();
    return;
  }
  const QString resolved =
      path.isEmpty() || QDir::isAbsolutePath(path) ? path : QDir(baseFolder).absoluteFilePath(path);
  if (resolved == path_ && status_ != Status::None && status_ != Status::Scratch) return;
  path_ = resolved;
  if (path_.isEmpty()) {
    status_ = Status::None;
    show(tr("none chosen"), false);
    emit checked();
    return;
  }
  inspect(path_, false);
}

void ModelPicker::pick(const QString& path) { inspect(path, true); }

void ModelPicker::inspect(const QString& path, bool picking) {
  if (process_) {
    process_->disconnect(this);
    process_->kill();
    process_->deleteLater();
  }
  const QString program = sdtrainPath();
  if (program.isEmpty()) {
    status_ = Status::Refused;
    refusal_ = tr("The trainer (sdtrain) was not found, so the model cannot be checked.");
    show(refusal_, true);
    emit checked();
    return;
  }
  inspecting_ = path;
  // A pick is checked before it replaces the model in use, whose status stays until then.
  if (!picking) {
    status_ = Status::Checking;
    show(tr("checking %1…").arg(QDir::toNativeSeparators(path)), false);
  }
  process_ = new QProcess(this);
  connect(process_, &QProcess::finished, this, [this, picking] { onFinished(picking); });
  // A program that cannot start never finishes: report that the same way.
  connect(process_, &QProcess::errorOccurred, this, [this, picking](QProcess::ProcessError error) {
    if (error == QProcess::FailedToStart && process_) onFinished(picking);
  });
  process_->start(program, {"model", "info", "--json", path});
}

void ModelPicker::onFinished(bool picking) {
  QProcess* process = process_;
  process_ = nullptr;
  process->deleteLater();
  const QJsonDocument json = QJsonDocument::fromJson(process->readAllStandardOutput());
  const bool usable = process->exitStatus() == QProcess::NormalExit && process->exitCode() == 0 && json.isObject();
  if (!usable) {
    // sdtrain's error lines: "error: <file>: <what is wrong>" and the hint below.
    QString reason = QString::fromUtf8(process->readAllStandardError()).trimmed();
    if (reason.startsWith("error: ")) reason = reason.mid(7);
    if (reason.isEmpty()) reason = tr("sdtrain model info failed (%1).").arg(process->errorString());
    refusal_ = reason;
    if (picking) {
      // The model in use stays; the box says why the pick was refused (not modal, so training and
      // the rest of the window carry on).
      auto* box = new QMessageBox(QMessageBox::Warning, tr("Base model"),
                                  tr("%1 cannot be used as the base model.").arg(QDir::toNativeSeparators(inspecting_)),
                                  QMessageBox::Ok, this);
      box->setInformativeText(reason);
      box->setAttribute(Qt::WA_DeleteOnClose);
      box->setObjectName("modelRefusal");
      box->open();
      emit checked();
      return;
    }
    status_ = Status::Refused;
    show(reason, true);
    emit checked();
    return;
  }
  summary_ = json.object();
  refusal_.clear();
  status_ = Status::Usable;
  path_ = inspecting_;
  const QLocale locale;
  show(tr("%1 — %2, %3 px, %4 M UNet parameters (%5)")
           .arg(summary_.value("description").toString(), summary_.value("layout").toString())
           .arg(summary_.value("resolution").toInt())
           .arg(locale.toString(summary_.value("unet_parameters").toDouble() / 1e6, 'f', 1))
           .arg(QDir::toNativeSeparators(path_)),
       false);
  if (picking) emit modelChosen(path_);
  emit checked();
}

}  // namespace sds::widgets
