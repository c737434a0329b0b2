#include "thumbnail_delegate.h"

#include <QAbstractItemView>

namespace sds::widgets {
namespace {

// The view's icon size: the square every thumbnail is centred in.
QSize iconSquare(const QStyleOptionViewItem& option) {
  if (const auto* view = qobject_cast<const QAbstractItemView*>(option.widget)) return view->iconSize();
  return option.decorationSize;
}

}  // namespace

QSize ThumbnailDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
  const QSize icon = iconSquare(option);
  constexpr int kMargin = 6;  // around the icon and the text, as the style pads items
  return {icon.width() + 2 * kMargin, icon.height() + kCaptionLines * option.fontMetrics.lineSpacing() + 3 * kMargin};
}

void ThumbnailDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const {
  QStyledItemDelegate::initStyleOption(option, index);
  // A pixmap decoration would otherwise set the decoration's size to its own (a wide image: a low
  // rectangle; a thumbnail still loading: none).
  option->decorationSize = iconSquare(*option);
  option->features |= QStyleOptionViewItem::HasDecoration;
}

}  // namespace sds::widgets
