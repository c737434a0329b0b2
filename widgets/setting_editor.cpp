#include "setting_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include "config/choice_labels.h"
#include "util/text.h"

namespace sds::widgets {

QString translatedLabel(const config::Setting& setting) {
  return QCoreApplication::translate("Schema", setting.label);
}

QString translatedHelp(const config::Setting& setting) { return QCoreApplication::translate("Schema", setting.help); }

SettingEditor::SettingEditor(const config::Setting& setting, QWidget* parent) : QWidget(parent), setting_(setting) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  column->setSpacing(2);
  auto* row = new QHBoxLayout;
  row->setContentsMargins(0, 0, 0, 0);
  column->addLayout(row);

  using config::ValueType;
  switch (setting.type) {
    case ValueType::Bool:
      check_ = new QCheckBox(this);
      connect(check_, &QCheckBox::toggled, this, &SettingEditor::edited);
      input_ = check_;
      break;
    case ValueType::Choice:
      combo_ = new QComboBox(this);
      for (const std::string& choice : setting.choices) addChoice(QString::fromStdString(choice));
      connect(combo_, &QComboBox::currentIndexChanged, this, &SettingEditor::edited);
      input_ = combo_;
      break;
    case ValueType::StringList:
      list_ = new QPlainTextEdit(this);
      list_->setTabChangesFocus(true);
      list_->setFixedHeight(list_->fontMetrics().lineSpacing() * 5);
      connect(list_, &QPlainTextEdit::textChanged, this, &SettingEditor::edited);
      input_ = list_;
      break;
    case ValueType::Integer:
    case ValueType::Float:
    case ValueType::String:
    case ValueType::Path:
      line_ = new QLineEdit(this);
      connect(line_, &QLineEdit::textEdited, this, &SettingEditor::edited);
      input_ = line_;
      break;
  }
  row->addWidget(input_, 1);

  if (setting.type == ValueType::Path) {
    // A push button draws its menu arrow beside the text; a tool button's arrow overlapped the text
    // at 200 % scale.
    auto* button = new QPushButton(tr("Browse…"), this);
    auto* menu = new QMenu(button);
    menu->addAction(tr("Choose a folder…"), this, [this] { browse(true); });
    menu->addAction(tr("Choose a file…"), this, [this] { browse(false); });
    button->setMenu(menu);
    button->setAccessibleName(tr("Browse for %1").arg(translatedLabel(setting)));
    row->addWidget(button);
  }

  message_ = new QLabel(this);
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  message_->hide();
  column->addWidget(message_);

  const QString help = translatedHelp(setting);
  input_->setToolTip(help);
  input_->setWhatsThis(help);
  input_->setAccessibleName(translatedLabel(setting));
  input_->setAccessibleDescription(help);
  setValue(setting.defaultValue);
}

std::optional<config::Value> SettingEditor::value() const {
  using config::ValueType;
  switch (setting_.type) {
    case ValueType::Bool: return config::Value(check_->isChecked());
    case ValueType::Choice: return config::Value(combo_->currentData().toString().toStdString());
    case ValueType::StringList: {
      config::StringList items;
      for (const QString& line : list_->toPlainText().split('\n')) {
        const QString item = line.trimmed();
        if (!item.isEmpty()) items.push_back(item.toStdString());
      }
      return config::Value(std::move(items));
    }
    case ValueType::Integer: {
      bool ok = false;
      const qlonglong v = QLocale::c().toLongLong(line_->text().trimmed(), &ok);
      if (!ok) return std::nullopt;
      return config::Value(static_cast<std::int64_t>(v));
    }
    case ValueType::Float: {
      bool ok = false;
      // Numbers are written the TOML way (1e-5, 0.9) whatever the UI language, like the project file.
      const double v = QLocale::c().toDouble(line_->text().trimmed(), &ok);
      if (!ok) return std::nullopt;
      return config::Value(v);
    }
    case ValueType::String:
    case ValueType::Path: return config::Value(line_->text().toStdString());
  }
  return std::nullopt;
}

QString SettingEditor::parseProblem() const {
  if (value()) return {};
  return setting_.type == config::ValueType::Integer ? tr("Enter a whole number, for example 42.")
                                                     : tr("Enter a number, for example 0.5 or 1e-5.");
}

void SettingEditor::setValue(const config::Value& value) {
  const QSignalBlocker blocker(input_);
  if (check_) {
    if (const auto* b = std::get_if<bool>(&value)) check_->setChecked(*b);
  } else if (combo_) {
    if (const auto* s = std::get_if<std::string>(&value)) {
      const QString text = QString::fromStdString(*s);
      // A value from a file that is not among the choices is kept (and reported), never replaced.
      if (combo_->findData(text) < 0) addChoice(text);
      combo_->setCurrentIndex(combo_->findData(text));
    }
  } else if (list_) {
    if (const auto* items = std::get_if<config::StringList>(&value)) {
      QStringList lines;
      for (const std::string& item : *items) lines << QString::fromStdString(item);
      list_->setPlainText(lines.join('\n'));
    }
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    line_->setText(QString::number(*i));
  } else if (const auto* d = std::get_if<double>(&value)) {
    line_->setText(QString::fromStdString(text::formatDouble(*d)));
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    line_->setText(QString::fromStdString(*s));
  }
}

void SettingEditor::addChoice(const QString& value) {
  // The label in the user's language; the value as the project file writes it, in the tooltip.
  const char* label = config::choiceLabel(value.toStdString());
  combo_->addItem(label ? QCoreApplication::translate("Choice", label) : value, value);
  combo_->setItemData(combo_->count() - 1, tr("In the project file: %1").arg(value), Qt::ToolTipRole);
}

void SettingEditor::setMessage(const QString& message, Severity severity) {
  severity_ = message.isEmpty() ? Severity::None : severity;
  message_->setText(message);
  message_->setVisible(!message.isEmpty());
  // Colours from the palette's accent roles would not say "error"; these read on dark and light themes.
  message_->setStyleSheet(severity_ == Severity::Error     ? "color: #d32f2f;"
                          : severity_ == Severity::Warning ? "color: #b26a00;"
                                                           : "");
  input_->setAccessibleDescription(message.isEmpty() ? translatedHelp(setting_) : message);
}

QString SettingEditor::message() const { return message_->text(); }

void SettingEditor::browse(bool folder) {
  const QString current = line_->text();
  const QString chosen = folder ? QFileDialog::getExistingDirectory(this, translatedLabel(setting_), current)
                                : QFileDialog::getOpenFileName(this, translatedLabel(setting_), current);
  if (chosen.isEmpty()) return;
  line_->setText(chosen);
  emit edited();
}

}  // namespace sds::widgets
