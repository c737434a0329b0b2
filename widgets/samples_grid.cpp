#include "samples_grid.h"

#include <QFileInfo>
#include <QHeaderView>

#include <algorithm>

#include "samples_page.h"

namespace sds::widgets {
namespace {

constexpr int kCell = 112;
constexpr int kPathRole = Qt::UserRole;

}  // namespace

// Header views do not wrap: the prompt is broken into lines at spaces to fit the column's width.
QString SamplesGrid::wrapped(const QString& prompt) const {
  const int width = horizontalHeader()->defaultSectionSize() - 8;
  QStringList lines;
  for (const QString& word : prompt.split(' ', Qt::SkipEmptyParts)) {
    if (!lines.isEmpty() && fontMetrics().horizontalAdvance(lines.last() + ' ' + word) <= width)
      lines.last() += ' ' + word;
    else
      lines << word;
  }
  return lines.join('\n');
}

SamplesGrid::SamplesGrid(QWidget* parent) : QTableWidget(parent) {
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionMode(QAbstractItemView::SingleSelection);
  setIconSize(QSize(kCell - 8, kCell - 8));
  setWordWrap(true);
  setAccessibleName(tr("Samples by prompt and step"));
  horizontalHeader()->setDefaultSectionSize(kCell + 24);
  horizontalHeader()->setMinimumSectionSize(kCell);
  verticalHeader()->setDefaultSectionSize(kCell);
  verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  horizontalHeader()->setFixedHeight(4 * fontMetrics().lineSpacing());
  connect(this, &QTableWidget::cellActivated, this, [this](int row, int column) {
    const QString path = pathAt(row, column);
    if (!path.isEmpty()) emit sampleActivated(path);
  });
}

void SamplesGrid::clearSamples() {
  clear();
  setRowCount(0);
  setColumnCount(0);
  steps_.clear();
  prompts_.clear();
}

int SamplesGrid::rowFor(qint64 step) {
  const auto at = std::lower_bound(steps_.begin(), steps_.end(), step);
  const int row = int(at - steps_.begin());
  if (at != steps_.end() && *at == step) return row;
  steps_.insert(row, step);
  insertRow(row);
  setVerticalHeaderItem(row, new QTableWidgetItem(tr("Step %1").arg(step)));
  return row;
}

int SamplesGrid::columnFor(const QString& prompt) {
  const int known = int(prompts_.indexOf(prompt));
  if (known >= 0) return known;
  prompts_ << prompt;
  const int column = columnCount();
  insertColumn(column);
  auto* header = new QTableWidgetItem(prompt.isEmpty() ? tr("(no prompt)") : wrapped(prompt));
  header->setToolTip(prompt);
  setHorizontalHeaderItem(column, header);
  return column;
}

void SamplesGrid::addSample(const SampleInfo& info) {
  const int row = rowFor(info.step);
  const int column = columnFor(info.prompt);
  auto* cell = new QTableWidgetItem;
  cell->setData(kPathRole, QFileInfo(info.path).absoluteFilePath());
  cell->setToolTip(tr("%1\nStep %2 · seed %3").arg(info.prompt).arg(info.step).arg(info.seed));
  setItem(row, column, cell);
}

void SamplesGrid::setThumbnail(const QString& path, const QIcon& icon) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  for (int row = 0; row < rowCount(); ++row)
    for (int column = 0; column < columnCount(); ++column)
      if (QTableWidgetItem* cell = item(row, column); cell && cell->data(kPathRole).toString() == absolute) {
        cell->setIcon(icon);
        return;
      }
}

QString SamplesGrid::pathAt(int row, int column) const {
  const QTableWidgetItem* cell = item(row, column);
  return cell ? cell->data(kPathRole).toString() : QString();
}

}  // namespace sds::widgets
