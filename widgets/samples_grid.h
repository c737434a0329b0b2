#pragma once
// The samples as a table of progress: one column per prompt, one row per sampled step, oldest at the
// top, so that reading a column downwards shows how one prompt's image improved as training went on.

#include <QTableWidget>

namespace sds::widgets {

struct SampleInfo;

class SamplesGrid : public QTableWidget {
  Q_OBJECT
 public:
  explicit SamplesGrid(QWidget* parent = nullptr);

  void clearSamples();
  // Places a sample in its prompt's column and its step's row (making either when new); its thumbnail
  // comes with setThumbnail. Samples without a prompt share one column.
  void addSample(const SampleInfo& info);
  void setThumbnail(const QString& path, const QIcon& icon);

  // The path of the sample at a cell; empty where that prompt has no sample at that step.
  QString pathAt(int row, int column) const;
  QList<qint64> steps() const { return steps_; }
  QStringList prompts() const { return prompts_; }

 signals:
  void sampleActivated(const QString& path);

 private:
  int rowFor(qint64 step);
  int columnFor(const QString& prompt);
  QString wrapped(const QString& prompt) const;

  QList<qint64> steps_;   // ascending, one per row
  QStringList prompts_;   // in order of first appearance, one per column
};

}  // namespace sds::widgets
