#pragma once
// The base model of the project: what it is (family, prediction type, size, as `sdtrain model info`
// reads it without loading the weights) and buttons to pick another diffusers folder or single-file
// checkpoint. A pick the trainer could not load is refused with its reason and changes nothing.

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QProcess;
class QPushButton;

namespace sds::widgets {

class ModelPicker : public QWidget {
  Q_OBJECT
 public:
  enum class Status { None, Checking, Usable, Refused, Scratch };

  explicit ModelPicker(QWidget* parent = nullptr);
  ~ModelPicker() override;

  // The project's model.path (resolved against baseFolder when relative); scratchArchitecture is
  // set when the project trains from scratch, so there is nothing to inspect.
  void setModel(const QString& path, const QString& baseFolder, const QString& scratchArchitecture = {});
  // Checks `path` and, when usable, emits modelChosen; otherwise shows why in a message box.
  void pick(const QString& path);

  Status status() const { return status_; }
  QString description() const;          // "SD 1.x", "SD 2.x v-prediction", "SDXL"; empty unless usable
  QString refusal() const { return refusal_; }  // why the model cannot be used
  QJsonObject summary() const { return summary_; }
  QLabel* label() const { return label_; }

 signals:
  void modelChosen(const QString& path);
  void checked();

 private:
  void inspect(const QString& path, bool picking);
  void onFinished(bool picking);
  void show(const QString& text, bool problem);

  QLabel* label_ = nullptr;
  QPushButton* chooseFolder_ = nullptr;
  QPushButton* chooseFile_ = nullptr;
  QProcess* process_ = nullptr;
  QString path_;
  QString inspecting_;
  QString baseFolder_;
  Status status_ = Status::None;
  QString refusal_;
  QJsonObject summary_;
};

}  // namespace sds::widgets
