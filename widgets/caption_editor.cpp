#include "caption_editor.h"

#include <QAbstractItemModel>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

#include "dataset_model.h"

namespace sds::widgets {

CaptionEditor::CaptionEditor(QWidget* parent) : QWidget(parent) {
  title_ = new QLabel(this);
  title_->setTextFormat(Qt::PlainText);
  edit_ = new QPlainTextEdit(this);
  edit_->setTabChangesFocus(true);  // keyboard users leave the editor with Tab
  edit_->setAccessibleName(tr("Caption"));
  edit_->setPlaceholderText(tr("Select an image to edit its caption"));
  edit_->setToolTip(tr("The caption of the selected image; Ctrl+Return saves it"));
  // About three lines: enough for a long caption, small enough to leave the grid its room.
  edit_->setFixedHeight(edit_->fontMetrics().lineSpacing() * 4 + 2 * edit_->frameWidth() + 8);
  title_->setBuddy(edit_);
  save_ = new QPushButton(tr("Save capt&ion"), this);
  save_->setToolTip(tr("Write the caption file beside the image (Ctrl+Return)"));
  revert_ = new QPushButton(tr("Re&vert"), this);
  revert_->setToolTip(tr("Discard the changes to this caption"));
  note_ = new QLabel(this);
  note_->setWordWrap(true);
  note_->setTextFormat(Qt::PlainText);

  connect(save_, &QPushButton::clicked, this, [this] { save(); });
  connect(revert_, &QPushButton::clicked, this, &CaptionEditor::load);
  connect(edit_, &QPlainTextEdit::modificationChanged, this, &CaptionEditor::updateButtons);
  auto* shortcut =
      new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), edit_, nullptr, nullptr, Qt::WidgetShortcut);
  connect(shortcut, &QShortcut::activated, this, [this] { save(); });

  auto* buttons = new QVBoxLayout;
  buttons->addWidget(save_);
  buttons->addWidget(revert_);
  buttons->addStretch();
  auto* row = new QHBoxLayout;
  row->addWidget(edit_, 1);
  row->addLayout(buttons);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(title_);
  layout->addLayout(row);
  layout->addWidget(note_);
  setIndex({});
}

void CaptionEditor::setIndex(const QModelIndex& index) {
  if (index == index_) return;
  // Moving on keeps what was typed, as the grid's own editor does.
  if (isModified()) save();
  if (model_ != index.model()) {
    if (model_) disconnect(model_, nullptr, this, nullptr);
    model_ = index.model();
    if (model_) {
      connect(model_, &QAbstractItemModel::modelReset, this, &CaptionEditor::load);
      connect(
          model_, &QAbstractItemModel::dataChanged, this,
          [this](const QModelIndex& from, const QModelIndex& to) {
            // An edit in the grid shows here unless this editor has changes of its own.
            if (index_.isValid() && !isModified() && from.row() <= index_.row() && index_.row() <= to.row())
              load();
          });
    }
  }
  index_ = index;
  load();
}

QString CaptionEditor::text() const { return edit_->toPlainText(); }

void CaptionEditor::setText(const QString& text) {
  edit_->setPlainText(text);
  edit_->document()->setModified(true);
}

bool CaptionEditor::isModified() const { return edit_->document()->isModified(); }

void CaptionEditor::load() {
  note_->clear();
  if (!index_.isValid()) {
    title_->setText(tr("&Caption"));
    edit_->clear();
    edit_->setEnabled(false);
    updateButtons();
    return;
  }
  const QString path = index_.data(DatasetModel::PathRole).toString();
  const bool editable = index_.flags() & Qt::ItemIsEditable;
  const bool inShard = editable && index_.data(DatasetModel::CaptionFileRole).toString().isEmpty();
  title_->setText(tr("&Caption of %1").arg(QFileInfo(path).fileName()));
  edit_->setPlainText(index_.data(Qt::EditRole).toString());
  edit_->document()->setModified(false);
  edit_->setEnabled(editable);
  edit_->setReadOnly(inShard);
  if (inShard)
    note_->setText(tr("Captions inside tar shards cannot be edited here."));
  else if (!editable)
    note_->setText(
        tr("This image is skipped by the scan: %1").arg(index_.data(DatasetModel::IssuesRole).toString()));
  updateButtons();
}

bool CaptionEditor::save() {
  if (!index_.isValid()) return false;
  auto* model = const_cast<QAbstractItemModel*>(index_.model());
  if (!model->setData(index_, edit_->toPlainText(), Qt::EditRole)) {
    // The model's refusal reaches the user through the page; the text stays for another try.
    note_->setText(tr("The caption was not saved."));
    return false;
  }
  load();
  note_->setText(
      tr("Saved to %1.").arg(QFileInfo(index_.data(DatasetModel::CaptionFileRole).toString()).fileName()));
  return true;
}

void CaptionEditor::updateButtons() {
  const bool changed = index_.isValid() && !edit_->isReadOnly() && edit_->document()->isModified();
  save_->setEnabled(changed);
  revert_->setEnabled(changed);
}

}  // namespace sds::widgets
