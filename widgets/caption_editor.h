#pragma once
// The caption of the image selected in the Dataset page's grid, in a multi-line editor under it:
// long captions are easier to write here than in the grid's one-line editor. Saving goes through the
// model (EditRole), which writes the caption file beside the image.

#include <QPersistentModelIndex>
#include <QPointer>
#include <QWidget>

class QAbstractItemModel;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace sds::widgets {

class CaptionEditor : public QWidget {
  Q_OBJECT
 public:
  explicit CaptionEditor(QWidget* parent = nullptr);

  // The item to edit, an index of the unfiltered DatasetModel (so that filtering does not take it
  // away); an invalid one empties the editor. Changes not yet saved are saved first.
  void setIndex(const QModelIndex& index);
  QString text() const;
  void setText(const QString& text);
  // Writes the caption through the model; false (and the model says why) when it was refused.
  bool save();
  bool isModified() const;

 private:
  void load();
  void updateButtons();

  QPersistentModelIndex index_;
  QPointer<const QAbstractItemModel> model_;
  QLabel* title_ = nullptr;
  QPlainTextEdit* edit_ = nullptr;
  QPushButton* save_ = nullptr;
  QPushButton* revert_ = nullptr;
  QLabel* note_ = nullptr;
};

}  // namespace sds::widgets
