#pragma once
// The Dataset page's filters over its grid: items with a given problem, and a text that the caption
// or the file name must contain.

#include <QSortFilterProxyModel>

namespace sds::widgets {

class DatasetScanFilter : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;

  // Any of DatasetModel::Problem's bits; 0 shows every item.
  void setProblems(int problems);
  void setText(const QString& text);

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  int problems_ = 0;
  QString text_;
};

}  // namespace sds::widgets
