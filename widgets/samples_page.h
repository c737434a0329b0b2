#pragma once
// The Samples page: the sample images of the run, either as a gallery (newest first) or as a grid of
// prompts × steps that shows each prompt improving. Activating one opens it at full size with its
// prompt, seed and step; two selected ones can be compared side by side. Images already in the run
// folder are listed when a project opens; new ones arrive live.

#include <QHash>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QStackedWidget;
class QTimer;

namespace sds::widgets {

class SamplesGrid;

struct SampleInfo {
  QString path;
  qint64 step = -1;
  QString prompt;
  qint64 seed = -1;
};

// Step, prompt and seed of a sample PNG: from its text chunks, else the step from its name
// (step-00000200-p01.png).
SampleInfo readSampleInfo(const QString& path);

class SamplesPage : public QWidget {
  Q_OBJECT
 public:
  explicit SamplesPage(QWidget* parent = nullptr);

  // Lists the samples in <runFolder>/samples (replacing what was shown).
  void setRunFolder(const QString& runFolder);
  // A sample the trainer just wrote.
  void addSample(qint64 step, const QString& path, const QString& prompt, qint64 seed);

  // A paragraph above the samples saying what they should show (the demo's explains what it learns);
  // empty hides it.
  void setIntroduction(const QString& text);

  enum class View { Gallery, Grid };
  void setView(View view);
  View view() const;

  QListWidget* gallery() const { return gallery_; }
  SamplesGrid* grid() const { return grid_; }
  int sampleCount() const;
  // The full-size viewer for the item in row `row`; the compare view for the two selected.
  void openSample(int row);
  void compareSelected();

 private:
  void add(const SampleInfo& info);
  void loadThumbnails();
  void applyFilter();
  void refreshActions();

  QString runFolder_;
  QListWidget* gallery_ = nullptr;
  SamplesGrid* grid_ = nullptr;
  QStackedWidget* views_ = nullptr;
  QComboBox* viewChoice_ = nullptr;
  QLabel* introduction_ = nullptr;
  QComboBox* promptFilter_ = nullptr;
  QPushButton* compare_ = nullptr;
  QPushButton* openFolder_ = nullptr;
  QLabel* summary_ = nullptr;
  QTimer* thumbnailTimer_ = nullptr;
  QList<QListWidgetItem*> thumbnailQueue_;
  QHash<QString, QListWidgetItem*> byPath_;
};

}  // namespace sds::widgets
