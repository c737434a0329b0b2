#pragma once
// The Dataset page: drop folders, images or WebDataset shards on it (or pick a folder), and it scans
// them in the background as training will: a thumbnail grid with each caption (edited in place and
// saved beside the image), filters for problems, the counts, the aspect-ratio bucket histogram and
// every issue the scan found.

#include <QWidget>
#include <atomic>
#include <memory>

#include "config/project.h"
#include "data/dataset_settings.h"

class QComboBox;
class QAbstractItemModel;
class QLabel;
class QLineEdit;
class QListView;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTreeWidget;

namespace sds::widgets {

class CaptionEditor;
class DatasetModel;

class DatasetPage : public QWidget {
  Q_OBJECT
 public:
  explicit DatasetPage(QWidget* parent = nullptr);
  ~DatasetPage() override;

  // The project's dataset and resolution settings (a relative dataset.path is taken relative to
  // projectFolder). Rescans only when they changed.
  void setProject(const config::Project& project, const QString& projectFolder);
  // Scans this path with the project's other settings.
  void setDatasetPath(const QString& path);
  QString datasetPath() const;
  void rescan();

  bool isScanning() const { return scanning_; }
  int sampleCount() const;
  // Issues in the list: the scan's, less the missing captions written since.
  int issueCount() const;
  QString summaryText() const;
  QString errorText() const;
  // The grid's model, unfiltered (DatasetModel), and as the grid shows it.
  QAbstractItemModel* gridModel() const;
  DatasetModel* model() const { return model_; }
  QSortFilterProxyModel* filteredModel() const { return filter_; }
  QComboBox* problemFilter() const { return problemFilter_; }
  QTreeWidget* issueList() const { return issues_; }
  QTreeWidget* histogram() const { return histogram_; }
  QListView* grid() const { return grid_; }
  CaptionEditor* captionEditor() const { return captionEditor_; }

 signals:
  // The user dropped or picked a dataset: the window writes it into the project.
  void datasetPathChosen(const QString& path);
  void scanFinished();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void startScan();
  QString dropHint() const;
  void cancelScan();
  void onScanned();
  void showError(const QString& message);
  void chooseFolder();
  void addImages(const QStringList& files);
  void useDataset(const QString& path);
  void refreshSummary();
  void captionSaved(const QString& path);
  void selectImage(const QString& path);

  data::DatasetSettings settings_;
  bool haveSettings_ = false;
  bool generatedShapes_ = false;  // dataset.kind "shapes": the trainer makes the images
  QString projectFolder_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  std::shared_ptr<const data::Dataset> dataset_;
  bool scanning_ = false;
  bool rescanWhenDone_ = false;
  bool captionsEdited_ = false;  // since the scan: its counts are out of date
  QString error_;

  DatasetModel* model_ = nullptr;
  QSortFilterProxyModel* filter_ = nullptr;
  QLabel* pathLabel_ = nullptr;
  QComboBox* problemFilter_ = nullptr;
  QLineEdit* textFilter_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QStackedWidget* gridStack_ = nullptr;
  QLabel* hint_ = nullptr;
  QListView* grid_ = nullptr;
  CaptionEditor* captionEditor_ = nullptr;
  QLabel* summary_ = nullptr;
  QTreeWidget* histogram_ = nullptr;
  QTreeWidget* issues_ = nullptr;
};

}  // namespace sds::widgets
