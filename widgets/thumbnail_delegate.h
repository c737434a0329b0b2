#pragma once
// Draws the Dataset page's grid items: the thumbnail centred in a square of the view's icon size,
// whatever its aspect ratio or whether it has arrived yet, and up to two lines of caption under it.
// Every item has the same size, so the grid never takes its layout from an item whose thumbnail was
// still loading (which squeezed every thumbnail into a strip and left no room for captions).

#include <QStyledItemDelegate>

namespace sds::widgets {

class ThumbnailDelegate : public QStyledItemDelegate {
  Q_OBJECT
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

  // The lines of caption shown under each thumbnail.
  static constexpr int kCaptionLines = 2;

 protected:
  void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

}  // namespace sds::widgets
