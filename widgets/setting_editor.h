#pragma once
// The editor of one project setting, chosen by the setting's type: a check box, a number or text
// field, a path field with a browse button, a drop-down of choices, or a list with one item per line.
// Below the input it shows the setting's validation message inline.

#include <QWidget>
#include <optional>

#include "config/schema.h"

class QLabel;
class QLineEdit;
class QCheckBox;
class QComboBox;
class QPlainTextEdit;

namespace sds::widgets {

class SettingEditor : public QWidget {
  Q_OBJECT
 public:
  SettingEditor(const config::Setting& setting, QWidget* parent = nullptr);

  const config::Setting& setting() const { return setting_; }

  // The typed value, or nullopt when the text cannot be read as the setting's type (then
  // parseProblem() says why).
  std::optional<config::Value> value() const;
  QString parseProblem() const;
  void setValue(const config::Value& value);

  enum class Severity { None, Warning, Error };
  void setMessage(const QString& message, Severity severity);
  QString message() const;
  Severity severity() const { return severity_; }

  // The widget that takes keyboard focus and input (for tests and accessibility).
  QWidget* input() const { return input_; }

 signals:
  void edited();

 private:
  void browse(bool folder);
  void addChoice(const QString& value);

  config::Setting setting_;
  QWidget* input_ = nullptr;
  QCheckBox* check_ = nullptr;
  QLineEdit* line_ = nullptr;
  QComboBox* combo_ = nullptr;
  QPlainTextEdit* list_ = nullptr;
  QLabel* message_ = nullptr;
  Severity severity_ = Severity::None;
};

// The setting's label and help text in the user's language.
QString translatedLabel(const config::Setting& setting);
QString translatedHelp(const config::Setting& setting);

}  // namespace sds::widgets
