#include "project_page.h"

#include <QCoreApplication>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QVBoxLayout>
#include <algorithm>

#include "getting_started.h"
#include "setting_editor.h"

namespace sds::widgets {

ProjectPage::ProjectPage(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  gettingStarted_ = new GettingStartedPanel(this);
  layout->addWidget(gettingStarted_);
  search_ = new QLineEdit(this);
  search_->setPlaceholderText(tr("Find a setting…"));
  search_->setClearButtonEnabled(true);
  search_->setAccessibleName(tr("Find a setting"));
  connect(search_, &QLineEdit::textChanged, this, &ProjectPage::filter);
  layout->addWidget(search_);

  scroll_ = new QScrollArea(this);
  scroll_->setWidgetResizable(true);
  scroll_->setFrameShape(QFrame::NoFrame);
  auto* content = new QWidget(scroll_);
  auto* column = new QVBoxLayout(content);

  std::vector<QLabel*> labels;
  for (const config::Section& section : config::Schema::project().sections()) {
    auto* group = new QGroupBox(QCoreApplication::translate("Schema", section.title), content);
    group->setToolTip(QCoreApplication::translate("Schema", section.help));
    group->setProperty("section", QString::fromStdString(section.name));
    auto* form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const config::Setting& setting : section.settings) {
      auto* editor = new SettingEditor(setting, group);
      auto* label = new QLabel(translatedLabel(setting), group);
      label->setToolTip(translatedHelp(setting));
      label->setBuddy(editor->input());
      labels.push_back(label);
      form->addRow(label, editor);
      const QString key = QString::fromStdString(setting.key());
      editors_.insert(key, editor);
      connect(editor, &SettingEditor::edited, this, [this, editor] { onEdited(editor); });
    }
    column->addWidget(group);
    groups_.push_back(group);
  }
  column->addStretch(1);
  scroll_->setWidget(content);
  // One label column width for all groups, so the editors line up down the whole page.
  int labelWidth = 0;
  for (QLabel* label : labels) labelWidth = std::max(labelWidth, label->sizeHint().width());
  for (QLabel* label : labels) label->setMinimumWidth(labelWidth);
  layout->addWidget(scroll_, 1);
  revalidate();
}

void ProjectPage::setProject(const config::Project& project, const std::vector<config::Diagnostic>& fileDiagnostics) {
  project_ = project;
  fileMessages_.clear();
  for (const config::Diagnostic& d : fileDiagnostics)
    if (d.isError() && editors_.contains(QString::fromStdString(d.key)))
      fileMessages_.insert(QString::fromStdString(d.key), QString::fromStdString(d.message));
  for (auto it = editors_.begin(); it != editors_.end(); ++it) it.value()->setValue(project_.get(it.key().toStdString()));
  revalidate();
}

QStringList ProjectPage::unreadableSettings() const {
  QStringList keys;
  for (auto it = editors_.begin(); it != editors_.end(); ++it)
    if (!it.value()->value()) keys << it.key();
  return keys;
}

void ProjectPage::onEdited(SettingEditor* editor) {
  const QString key = QString::fromStdString(editor->setting().key());
  fileMessages_.remove(key);
  if (const auto value = editor->value()) project_.set(key.toStdString(), *value);
  revalidate();
  emit edited();
}

void ProjectPage::revalidate() {
  QMap<QString, QPair<QString, SettingEditor::Severity>> messages;
  for (auto it = fileMessages_.begin(); it != fileMessages_.end(); ++it)
    messages.insert(it.key(), {it.value(), SettingEditor::Severity::Error});
  for (const config::Diagnostic& d : config::checkProject(project_)) {
    const QString key = QString::fromStdString(d.key);
    if (messages.contains(key)) continue;
    messages.insert(key, {QString::fromStdString(d.message),
                          d.isError() ? SettingEditor::Severity::Error : SettingEditor::Severity::Warning});
  }
  // Text that cannot be read at all says so, in place of the message about the last readable value.
  for (auto it = editors_.begin(); it != editors_.end(); ++it)
    if (!it.value()->value()) messages.insert(it.key(), {it.value()->parseProblem(), SettingEditor::Severity::Error});

  int errors = 0, warnings = 0;
  for (auto it = editors_.begin(); it != editors_.end(); ++it) {
    const auto found = messages.find(it.key());
    if (found == messages.end()) {
      it.value()->setMessage({}, SettingEditor::Severity::None);
      continue;
    }
    it.value()->setMessage(found->first, found->second);
    (found->second == SettingEditor::Severity::Error ? errors : warnings)++;
  }
  if (errors != errors_ || warnings != warnings_) {
    errors_ = errors;
    warnings_ = warnings;
    emit validated(errors, warnings);
  }
}

void ProjectPage::filter(const QString& text) {
  const QString needle = text.trimmed();
  for (QWidget* group : groups_) {
    auto* form = static_cast<QFormLayout*>(group->layout());
    bool anyVisible = false;
    for (int row = 0; row < form->rowCount(); ++row) {
      auto* label = qobject_cast<QLabel*>(form->itemAt(row, QFormLayout::LabelRole)->widget());
      auto* editor = qobject_cast<SettingEditor*>(form->itemAt(row, QFormLayout::FieldRole)->widget());
      const bool match = needle.isEmpty() || label->text().contains(needle, Qt::CaseInsensitive) ||
                         label->toolTip().contains(needle, Qt::CaseInsensitive) ||
                         QString::fromStdString(editor->setting().key()).contains(needle, Qt::CaseInsensitive);
      form->setRowVisible(row, match);
      anyVisible = anyVisible || match;
    }
    group->setVisible(anyVisible);
  }
}

}  // namespace sds::widgets
