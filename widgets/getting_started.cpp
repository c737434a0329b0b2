#include "getting_started.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

#include "config/presets.h"

namespace sds::widgets {
namespace {

QString presetText(const config::Preset& preset) {
  return QCoreApplication::translate("GettingStartedPanel", "%1, %2 GB card")
      .arg(QCoreApplication::translate("Preset", preset.title))
      .arg(preset.cardGiB);
}

QString presetTooltip(const config::Preset& preset) {
  QString text = QCoreApplication::translate("Preset", preset.summary);
  if (preset.measuredGiB > 0)
    text += "\n" + QCoreApplication::translate("GettingStartedPanel", "Its training step needs %1 GiB of GPU memory (measured).")
                       .arg(QLocale().toString(preset.measuredGiB, 'f', 1));
  return text;
}

}  // namespace

GettingStartedPanel::GettingStartedPanel(QWidget* parent) : QFrame(parent) {
  setFrameShape(QFrame::StyledPanel);
  setAccessibleName(tr("Getting started"));
  auto* column = new QVBoxLayout(this);

  auto* head = new QHBoxLayout;
  auto* title = new QLabel(tr("<b>Three steps to a first run</b>"), this);
  head->addWidget(title, 1);
  auto* demo = new QPushButton(tr("Try the &Demo"), this);
  demo->setToolTip(tr("Train a tiny model from scratch on generated pictures of coloured shapes, on this "
                      "computer: about nine minutes on two CPU cores"));
  connect(demo, &QPushButton::clicked, this, &GettingStartedPanel::demoRequested);
  head->addWidget(demo);
  auto* hide = new QPushButton(tr("Hide"), this);
  hide->setToolTip(tr("Hide these steps; every setting stays below"));
  connect(hide, &QPushButton::clicked, this, &GettingStartedPanel::hideRequested);
  head->addWidget(hide);
  column->addLayout(head);

  // Hidden until the GPU list is known, so that it never flashes up on a machine with a GPU.
  cpuNote_ = new QLabel(tr("<b>No GPU was found on this computer.</b> Training runs on the CPU instead: it works, "
                           "but far slower than on a graphics card, so fine-tuning a Stable Diffusion model takes "
                           "a long time. The demo is made for the CPU and trains in about nine minutes on two "
                           "cores."),
                        this);
  cpuNote_->setWordWrap(true);
  cpuNote_->setVisible(false);
  column->addWidget(cpuNote_);

  auto* grid = new QGridLayout;
  grid->setColumnStretch(2, 1);
  const QString names[StepCount] = {tr("1. Base model"), tr("2. Images"), tr("3. Start")};
  for (int step = 0; step < StepCount; ++step) {
    marks_[step] = new QLabel(this);
    marks_[step]->setFixedWidth(marks_[step]->fontMetrics().horizontalAdvance(QStringLiteral("✔")) * 2);
    details_[step] = new QLabel(this);
    details_[step]->setWordWrap(true);
    details_[step]->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(marks_[step], step, 0);
    grid->addWidget(new QLabel("<b>" + names[step] + "</b>", this), step, 1);
    grid->addWidget(details_[step], step, 2);
  }
  auto* modelButtons = new QHBoxLayout;
  auto* folder = new QPushButton(tr("&Model Folder…"), this);
  folder->setToolTip(tr("A diffusers folder, with model_index.json"));
  connect(folder, &QPushButton::clicked, this, &GettingStartedPanel::chooseModelFolder);
  auto* file = new QPushButton(tr("Model Fi&le…"), this);
  file->setToolTip(tr("A single-file checkpoint (.safetensors), as A1111 and ComfyUI use"));
  connect(file, &QPushButton::clicked, this, &GettingStartedPanel::chooseModelFile);
  modelButtons->addWidget(folder);
  modelButtons->addWidget(file);
  grid->addLayout(modelButtons, ModelStep, 3);
  auto* images = new QPushButton(tr("&Image Folder…"), this);
  images->setToolTip(tr("A folder of images with a caption file beside each (or drop the folder on the Dataset page)"));
  connect(images, &QPushButton::clicked, this, &GettingStartedPanel::chooseImages);
  grid->addWidget(images, ImagesStep, 3);
  start_ = new QPushButton(tr("Start &Training"), this);
  connect(start_, &QPushButton::clicked, this, &GettingStartedPanel::startRequested);
  grid->addWidget(start_, StartStep, 3);
  column->addLayout(grid);

  auto* presetRow = new QHBoxLayout;
  auto* presetLabel = new QLabel(tr("Settings for your &graphics card:"), this);
  presets_ = new QComboBox(this);
  presetLabel->setBuddy(presets_);
  presets_->setAccessibleName(tr("Preset"));
  for (const config::Preset& preset : config::presets()) {
    presets_->addItem(presetText(preset), QString::fromStdString(preset.id));
    presets_->setItemData(presets_->count() - 1, presetTooltip(preset), Qt::ToolTipRole);
  }
  auto* apply = new QPushButton(tr("&Apply Preset"), this);
  apply->setToolTip(tr("Sets the method, batch size, resolution, precision, memory savers and learning rate; "
                       "the model, the images and the output stay as they are"));
  connect(apply, &QPushButton::clicked, this, [this] { emit presetChosen(presets_->currentData().toString()); });
  presetRow->addWidget(presetLabel);
  presetRow->addWidget(presets_, 1);
  presetRow->addWidget(apply);
  column->addLayout(presetRow);

  for (int step = 0; step < StepCount; ++step) setStep(Step(step), false, {});
}

void GettingStartedPanel::setStep(Step step, bool done, const QString& detail) {
  done_[step] = done;
  marks_[step]->setText(done ? QStringLiteral("✔") : QStringLiteral("○"));
  marks_[step]->setAccessibleName(done ? tr("done") : tr("to do"));
  static const char* const hints[StepCount] = {
      QT_TR_NOOP("Choose the Stable Diffusion model to fine-tune: SD 1.x, SD 2.x or SDXL."),
      QT_TR_NOOP("Choose a folder of images; a .txt file beside each image holds its caption."),
      QT_TR_NOOP("Start training; the loss, the log and sample images appear on the Training page.")};
  details_[step]->setText(detail.isEmpty() ? tr(hints[step]) : detail);
  start_->setEnabled(done_[ModelStep] && done_[ImagesStep]);
}

QString GettingStartedPanel::detail(Step step) const { return details_[step]->text(); }

void GettingStartedPanel::setGpuFound(bool found) { cpuNote_->setVisible(!found); }

bool GettingStartedPanel::allDone() const { return done_[ModelStep] && done_[ImagesStep] && done_[StartStep]; }

}  // namespace sds::widgets
