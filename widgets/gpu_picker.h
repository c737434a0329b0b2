#pragma once
// The GPUs a run trains on: one check box per GPU of this machine (name and memory, as `sdtrain
// gpus --json` lists them), bound to the project's distributed.gpus. Without a GPU it says that
// training runs on the CPU.

#include <QList>
#include <QString>
#include <QWidget>

class QCheckBox;
class QHBoxLayout;
class QLabel;
class QProcess;

namespace sds::widgets {

struct GpuEntry {
  int index = 0;
  QString name;
  double memoryGiB = 0;
};

class GpuPicker : public QWidget {
  Q_OBJECT
 public:
  explicit GpuPicker(QWidget* parent = nullptr);
  ~GpuPicker() override;

  // Asks sdtrain for the machine's GPUs (in the background).
  void refresh();
  // The GPUs to offer (what refresh found).
  void setGpus(const QList<GpuEntry>& gpus);
  // The project's distributed.gpus: "all", a count or indices.
  void setSelection(const QString& setting);

  QString selection() const;  // as distributed.gpus takes it
  // How many GPUs were found; -1 until the list is known.
  int listedCount() const { return listedCount_; }
  QList<QCheckBox*> boxes() const { return boxes_; }
  QLabel* label() const { return label_; }

 signals:
  // The user changed the choice; `setting` is the new distributed.gpus value.
  void selectionChanged(const QString& setting);
  // The machine's GPUs are known (none: training runs on the CPU).
  void listed(int count);

 private:
  void applySelection();

  QLabel* label_ = nullptr;
  QHBoxLayout* row_ = nullptr;
  QList<QCheckBox*> boxes_;
  QList<GpuEntry> gpus_;
  QString setting_ = QStringLiteral("all");
  int listedCount_ = -1;
  QProcess* process_ = nullptr;
};

// The GPU list in `sdtrain gpus --json` output; empty for anything else.
QList<GpuEntry> parseGpuList(const QByteArray& json);

}  // namespace sds::widgets
