#include "dataset_scan_filter.h"

#include "dataset_model.h"

namespace sds::widgets {

void DatasetScanFilter::setProblems(int problems) {
  problems_ = problems;
  invalidateFilter();
}

void DatasetScanFilter::setText(const QString& text) {
  text_ = text.trimmed();
  invalidateFilter();
}

bool DatasetScanFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
  if (problems_ != 0 && !(index.data(DatasetModel::ProblemsRole).toInt() & problems_)) return false;
  if (text_.isEmpty()) return true;
  return index.data(Qt::EditRole).toString().contains(text_, Qt::CaseInsensitive) ||
         index.data(DatasetModel::PathRole).toString().contains(text_, Qt::CaseInsensitive);
}

}  // namespace sds::widgets
