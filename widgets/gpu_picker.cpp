#include "gpu_picker.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QProcess>
#include <QSet>

#include "runtime/distributed_env.h"
#include "studio/trainer_location.h"

namespace sds::widgets {

QList<GpuEntry> parseGpuList(const QByteArray& json) {
  QList<GpuEntry> gpus;
  for (const QJsonValue& v : QJsonDocument::fromJson(json).array()) {
    const QJsonObject o = v.toObject();
    if (!o.contains("index") || !o.contains("name")) continue;
    gpus.append({o.value("index").toInt(), o.value("name").toString(), o.value("memory_gib").toDouble()});
  }
  return gpus;
}

GpuPicker::GpuPicker(QWidget* parent) : QWidget(parent) {
  label_ = new QLabel(this);
  row_ = new QHBoxLayout(this);
  row_->setContentsMargins(0, 0, 0, 0);
  row_->addWidget(label_);
  row_->addStretch(1);
  label_->setText(tr("Looking for GPUs…"));
}

GpuPicker::~GpuPicker() {
  if (process_) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(1000);
  }
}

void GpuPicker::refresh() {
  const QString program = sdtrainPath();
  if (process_) return;
  if (program.isEmpty()) {  // no trainer to ask; the Training page says so when Start is pressed
    setGpus({});
    return;
  }
  process_ = new QProcess(this);
  connect(process_, &QProcess::finished, this, [this] {
    const QByteArray out = process_->readAllStandardOutput();
    process_->deleteLater();
    process_ = nullptr;
    setGpus(parseGpuList(out));
  });
  process_->start(program, {"gpus", "--json"});
}

void GpuPicker::setGpus(const QList<GpuEntry>& gpus) {
  gpus_ = gpus;
  listedCount_ = static_cast<int>(gpus_.size());
  qDeleteAll(boxes_);
  boxes_.clear();
  if (gpus_.isEmpty()) {
    label_->setText(tr("No GPU found: training runs on the CPU."));
    emit listed(0);
    return;
  }
  label_->setText(tr("Train on:"));
  const QLocale locale;
  for (const GpuEntry& g : gpus_) {
    auto* box = new QCheckBox(tr("GPU %1: %2, %3 GiB").arg(g.index).arg(g.name, locale.toString(g.memoryGiB, 'f', 0)), this);
    row_->insertWidget(row_->count() - 1, box);
    boxes_.append(box);
    connect(box, &QCheckBox::toggled, this, [this, box](bool checked) {
      if (!checked && selection().isEmpty()) {  // one GPU at least: the last one stays checked
        box->setChecked(true);
        return;
      }
      setting_ = selection();
      emit selectionChanged(setting_);
    });
  }
  applySelection();
  emit listed(static_cast<int>(gpus_.size()));
}

void GpuPicker::setSelection(const QString& setting) {
  setting_ = setting.trimmed().isEmpty() ? QStringLiteral("all") : setting.trimmed();
  applySelection();
}

// Checks the boxes the setting names, by sdtrain's own rule; a setting sdtrain would refuse checks
// none.
void GpuPicker::applySelection() {
  QSet<int> chosen;
  try {
    for (const int index : runtime::parseGpuSelection(setting_.toStdString(), static_cast<int>(gpus_.size())))
      chosen.insert(index);
  } catch (const std::invalid_argument&) {
  }
  for (int i = 0; i < boxes_.size(); ++i) {
    const QSignalBlocker block(boxes_[i]);
    boxes_[i]->setChecked(chosen.contains(gpus_[i].index));
  }
}

QString GpuPicker::selection() const {
  QStringList indices;
  bool all = true;
  for (int i = 0; i < boxes_.size(); ++i) {
    if (boxes_[i]->isChecked())
      indices << QString::number(gpus_[i].index);
    else
      all = false;
  }
  if (indices.isEmpty()) return {};
  if (all) return QStringLiteral("all");
  // A single number is a count for sdtrain: one index other than 0 is written "2,".
  return indices.size() == 1 && indices[0] != "0" ? indices[0] + "," : indices.join(',');
}

}  // namespace sds::widgets
