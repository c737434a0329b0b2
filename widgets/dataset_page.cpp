#include "dataset_page.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QMessageBox>
#include <QMimeData>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "thumbnail_delegate.h"
#include "caption_editor.h"
#include "dataset_model.h"
#include "dataset_scan_filter.h"
#include "dropped_files.h"

namespace sds::widgets {
namespace {

QString qs(const std::string& text) { return QString::fromStdString(text); }

struct ScanResult {
  std::shared_ptr<const data::Dataset> dataset;
  QString error;
  bool cancelled = false;
};

}  // namespace

DatasetPage::DatasetPage(QWidget* parent) : QWidget(parent) {
  setAcceptDrops(true);
  model_ = new DatasetModel(this);
  filter_ = new DatasetScanFilter(this);
  filter_->setSourceModel(model_);

  pathLabel_ = new QLabel(this);
  pathLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  pathLabel_->setWordWrap(true);
  pathLabel_->setAccessibleName(tr("Dataset path"));
  auto* choose = new QPushButton(tr("Choose fol&der…"), this);
  choose->setToolTip(tr("Use a folder of images with captions as the dataset"));
  connect(choose, &QPushButton::clicked, this, &DatasetPage::chooseFolder);
  auto* rescanButton = new QPushButton(tr("Re&scan"), this);
  rescanButton->setToolTip(tr("Scan the dataset again"));
  connect(rescanButton, &QPushButton::clicked, this, &DatasetPage::rescan);

  problemFilter_ = new QComboBox(this);
  problemFilter_->setAccessibleName(tr("Show"));
  problemFilter_->addItem(tr("All images"), 0);
  problemFilter_->addItem(tr("Any problem"), DatasetModel::MissingCaption | DatasetModel::Unreadable |
                                                 DatasetModel::TooSmall | DatasetModel::OtherProblem);
  problemFilter_->addItem(tr("Missing caption"), int(DatasetModel::MissingCaption));
  problemFilter_->addItem(tr("Unreadable"), int(DatasetModel::Unreadable));
  problemFilter_->addItem(tr("Too small"), int(DatasetModel::TooSmall));
  connect(problemFilter_, &QComboBox::currentIndexChanged, this, [this] {
    static_cast<DatasetScanFilter*>(filter_)->setProblems(problemFilter_->currentData().toInt());
  });
  textFilter_ = new QLineEdit(this);
  textFilter_->setPlaceholderText(tr("Filter by caption or file name…"));
  textFilter_->setAccessibleName(tr("Filter by caption or file name"));
  textFilter_->setClearButtonEnabled(true);
  connect(textFilter_, &QLineEdit::textChanged, this,
          [this](const QString& text) { static_cast<DatasetScanFilter*>(filter_)->setText(text); });

  progress_ = new QProgressBar(this);
  progress_->setAccessibleName(tr("Scan progress"));
  progress_->setFormat(tr("Scanning: %v / %m images"));
  cancelButton_ = new QPushButton(tr("Cancel sca&n"), this);
  cancelButton_->setToolTip(tr("Stop the scan; the last complete scan stays shown"));
  connect(cancelButton_, &QPushButton::clicked, this, &DatasetPage::cancelScan);
  progress_->hide();
  cancelButton_->hide();

  hint_ = new QLabel(dropHint(), this);
  hint_->setAlignment(Qt::AlignCenter);
  hint_->setWordWrap(true);
  QFont big = hint_->font();
  big.setPointSizeF(big.pointSizeF() * 1.4);
  hint_->setFont(big);
  hint_->setFrameShape(QFrame::StyledPanel);
  grid_ = new QListView(this);
  grid_->setModel(filter_);
  grid_->setViewMode(QListView::IconMode);
  grid_->setIconSize(QSize(DatasetModel::kThumbnailSize, DatasetModel::kThumbnailSize));
  grid_->setItemDelegate(new ThumbnailDelegate(grid_));
  grid_->setGridSize(QSize(DatasetModel::kThumbnailSize + 28,
                           DatasetModel::kThumbnailSize + (ThumbnailDelegate::kCaptionLines + 1) *
                                                              fontMetrics().lineSpacing() + 8));
  grid_->setResizeMode(QListView::Adjust);
  grid_->setMovement(QListView::Static);
  grid_->setUniformItemSizes(true);
  grid_->setWordWrap(true);
  grid_->setTextElideMode(Qt::ElideRight);
  grid_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
  grid_->setAccessibleName(tr("Images and captions"));
  grid_->setToolTip(tr("Double-click or press F2 to edit a caption"));
  gridStack_ = new QStackedWidget(this);
  gridStack_->addWidget(hint_);
  gridStack_->addWidget(grid_);
  captionEditor_ = new CaptionEditor(this);
  connect(grid_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& current) { captionEditor_->setIndex(filter_->mapToSource(current)); });

  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setAccessibleName(tr("Dataset summary"));
  histogram_ = new QTreeWidget(this);
  histogram_->setHeaderLabels({tr("Bucket"), tr("Images")});
  histogram_->setRootIsDecorated(false);
  histogram_->setAccessibleName(tr("Bucket histogram"));
  issues_ = new QTreeWidget(this);
  issues_->setHeaderLabels({tr("Problem"), tr("File"), tr("Message")});
  issues_->setRootIsDecorated(false);
  issues_->setAccessibleName(tr("Problems found"));
  issues_->setToolTip(tr("Double-click or press Enter on a problem to show its image"));
  connect(issues_, &QTreeWidget::itemActivated, this,
          [this](QTreeWidgetItem* item) { selectImage(item->data(1, Qt::UserRole).toString()); });

  connect(model_, &DatasetModel::editRefused, this,
          [this](const QString& reason) { QMessageBox::warning(this, tr("Caption Not Saved"), reason); });
  connect(model_, &DatasetModel::captionSaved, this,
          [this](int, const QString& path, const QString&) { captionSaved(path); });

  auto* top = new QHBoxLayout;
  top->addWidget(pathLabel_, 1);
  top->addWidget(choose);
  top->addWidget(rescanButton);
  auto* filters = new QHBoxLayout;
  auto* showLabel = new QLabel(tr("Sho&w:"), this);
  showLabel->setBuddy(problemFilter_);
  filters->addWidget(showLabel);
  filters->addWidget(problemFilter_);
  filters->addWidget(textFilter_, 1);
  auto* scanRow = new QHBoxLayout;
  scanRow->addWidget(progress_, 1);
  scanRow->addWidget(cancelButton_);

  auto* side = new QWidget(this);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  sideLayout->addWidget(summary_);
  sideLayout->addWidget(new QLabel(tr("Aspect-ratio buckets"), side));
  sideLayout->addWidget(histogram_, 1);
  sideLayout->addWidget(new QLabel(tr("Problems"), side));
  sideLayout->addWidget(issues_, 2);
  auto* splitter = new QSplitter(this);
  auto* left = new QSplitter(Qt::Vertical, this);
  left->addWidget(gridStack_);
  left->addWidget(captionEditor_);
  left->setStretchFactor(0, 1);
  left->setChildrenCollapsible(false);
  splitter->addWidget(left);
  splitter->addWidget(side);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  splitter->setChildrenCollapsible(false);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addLayout(filters);
  layout->addLayout(scanRow);
  layout->addWidget(splitter, 1);
  refreshSummary();
}

DatasetPage::~DatasetPage() {
  if (cancel_) *cancel_ = true;
}

QString DatasetPage::datasetPath() const { return qs(settings_.dataset.path); }

int DatasetPage::sampleCount() const { return dataset_ ? int(dataset_->samples.size()) : 0; }

int DatasetPage::issueCount() const { return issues_->topLevelItemCount(); }

QAbstractItemModel* DatasetPage::gridModel() const { return model_; }

QString DatasetPage::summaryText() const { return summary_->text(); }

QString DatasetPage::errorText() const { return error_; }

void DatasetPage::setProject(const config::Project& project, const QString& projectFolder) {
  const data::DatasetSettings next = data::datasetSettings(project, projectFolder.toStdString());
  projectFolder_ = projectFolder;
  const bool changed = !haveSettings_ || next.dataset.path != settings_.dataset.path ||
                       next.dataset.kind != settings_.dataset.kind ||
                       next.dataset.captionExtension != settings_.dataset.captionExtension ||
                       next.dataset.defaultCaption != settings_.dataset.defaultCaption ||
                       next.dataset.repeats != settings_.dataset.repeats ||
                       next.dataset.minImageSize != settings_.dataset.minImageSize ||
                       next.dataset.filters != settings_.dataset.filters ||
                       next.buckets.resolution != settings_.buckets.resolution ||
                       next.buckets.minSide != settings_.buckets.minSide ||
                       next.buckets.maxSide != settings_.buckets.maxSide ||
                       next.useBuckets != settings_.useBuckets;
  const bool generated = project.getString("dataset.kind") == "shapes";
  settings_ = next;
  haveSettings_ = true;
  if (changed || generated != generatedShapes_) {
    generatedShapes_ = generated;
    startScan();
  }
}

void DatasetPage::setDatasetPath(const QString& path) {
  settings_.dataset.path = QDir::cleanPath(path).toStdString();
  settings_.dataset.kind = "auto";  // a folder or shards, told apart by the scan
  generatedShapes_ = false;
  startScan();
}

void DatasetPage::rescan() { startScan(); }

QString DatasetPage::dropHint() const {
  return tr("Drop a folder of images with captions, single images or WebDataset .tar shards here, or "
            "choose a folder.");
}

void DatasetPage::startScan() {
  pathLabel_->setText(settings_.dataset.path.empty()
                          ? tr("No dataset chosen.")
                          : tr("Dataset: %1").arg(QDir::toNativeSeparators(qs(settings_.dataset.path))));
  if (scanning_) {
    // The running scan is cancelled; this one starts when it has ended.
    *cancel_ = true;
    rescanWhenDone_ = true;
    return;
  }
  error_.clear();
  // The demo's generated images do not exist before its first run: say so rather than fail the scan.
  const bool notGeneratedYet = generatedShapes_ && !QFileInfo::exists(qs(settings_.dataset.path));
  if (settings_.dataset.path.empty() || notGeneratedYet) {
    dataset_.reset();
    model_->clear();
    hint_->setText(dropHint());
    if (notGeneratedYet)
      hint_->setText(tr("This project generates its images of coloured shapes into %1 when training starts; "
                        "they appear here after that (Rescan).")
                         .arg(QDir::toNativeSeparators(qs(settings_.dataset.path))));
    gridStack_->setCurrentWidget(hint_);
    refreshSummary();
    return;
  }
  scanning_ = true;
  rescanWhenDone_ = false;
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  progress_->setRange(0, 0);
  progress_->show();
  cancelButton_->show();

  const data::DatasetOptions options = settings_.dataset;
  const std::shared_ptr<std::atomic<bool>> cancel = cancel_;
  QPointer<QProgressBar> bar(progress_);
  auto* watcher = new QFutureWatcher<ScanResult>(this);
  connect(watcher, &QFutureWatcher<ScanResult>::finished, this, [this, watcher] {
    const ScanResult result = watcher->result();
    watcher->deleteLater();
    scanning_ = false;
    progress_->hide();
    cancelButton_->hide();
    if (rescanWhenDone_) {
      startScan();
      return;
    }
    if (result.cancelled) {
      pathLabel_->setText(pathLabel_->text() + " " + tr("(scan cancelled)"));
      return;
    }
    if (!result.error.isEmpty()) {
      showError(result.error);
      emit scanFinished();
      return;
    }
    dataset_ = result.dataset;
    onScanned();
  });
  watcher->setFuture(QtConcurrent::run([options, cancel, bar]() -> ScanResult {
    data::ScanCallbacks callbacks;
    callbacks.cancel = cancel.get();
    callbacks.progress = [bar](std::size_t done, std::size_t total) {
      QMetaObject::invokeMethod(
          QCoreApplication::instance(),
          [bar, done, total] {
            if (!bar) return;
            bar->setRange(0, int(total));
            bar->setValue(int(done));
          },
          Qt::QueuedConnection);
    };
    ScanResult result;
    try {
      result.dataset = std::make_shared<const data::Dataset>(data::scanDataset(options, callbacks));
    } catch (const data::ScanCancelled&) {
      result.cancelled = true;
    } catch (const std::exception& e) {
      result.error = QString::fromUtf8(e.what());
    }
    return result;
  }));
}

void DatasetPage::cancelScan() {
  if (cancel_) *cancel_ = true;
}

void DatasetPage::showError(const QString& message) {
  error_ = message;
  dataset_.reset();
  model_->clear();
  hint_->setText(tr("The dataset cannot be read:\n%1").arg(message));
  gridStack_->setCurrentWidget(hint_);
  refreshSummary();
}

void DatasetPage::onScanned() {
  captionsEdited_ = false;
  model_->setDataset(dataset_, qs(settings_.dataset.captionExtension), qs(settings_.dataset.defaultCaption));
  gridStack_->setCurrentWidget(model_->rowCount() > 0 ? static_cast<QWidget*>(grid_) : hint_);
  if (model_->rowCount() == 0)
    hint_->setText(tr("No images found in %1. Drop images here to add them.")
                       .arg(QDir::toNativeSeparators(datasetPath())));
  histogram_->clear();
  for (const data::BucketCount& b : data::bucketHistogram(*dataset_, settings_)) {
    auto* item =
        new QTreeWidgetItem(histogram_, {QStringLiteral("%1 × %2").arg(b.bucket.width).arg(b.bucket.height),
                                         QLocale().toString(qulonglong(b.count))});
    item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
  }
  issues_->clear();
  for (const data::Issue& issue : dataset_->issues) {
    auto* item = new QTreeWidgetItem(issues_, {DatasetModel::issueKindText(issue.kind),
                                               QDir::toNativeSeparators(qs(issue.item)), qs(issue.message)});
    item->setData(0, Qt::UserRole, int(issue.kind));
    item->setData(1, Qt::UserRole, qs(issue.item));
    item->setToolTip(2, qs(issue.message));
  }
  issues_->header()->resizeSections(QHeaderView::ResizeToContents);
  refreshSummary();
  emit scanFinished();
}

void DatasetPage::refreshSummary() {
  if (!dataset_) {
    summary_->setText(error_.isEmpty() ? tr("No dataset scanned yet.") : error_);
    return;
  }
  QStringList formats;
  for (const auto& [name, count] : dataset_->formats)
    formats << QStringLiteral("%1 %2").arg(count).arg(qs(name));
  int missingCaptions = 0;
  for (int row = 0; row < model_->rowCount(); ++row)
    if (model_->index(row).data(DatasetModel::ProblemsRole).toInt() & DatasetModel::MissingCaption)
      ++missingCaptions;
  summary_->setText(tr("%1 usable images (%2), %3 skipped, %4 without caption; %5 per epoch with repeats.")
                        .arg(dataset_->samples.size())
                        .arg(formats.isEmpty() ? tr("none") : formats.join(", "))
                        .arg(dataset_->skipped())
                        .arg(missingCaptions)
                        .arg(dataset_->epochSize()) +
                    (captionsEdited_
                         ? " " + tr("Captions were edited since the scan: rescan to update the counts "
                                    "and buckets.")
                         : QString()));
}

void DatasetPage::captionSaved(const QString& path) {
  // Its missing-caption issue is resolved; the rest waits for the next scan.
  captionsEdited_ = true;
  if (!(model_->index(model_->rowOf(path)).data(DatasetModel::ProblemsRole).toInt() &
        DatasetModel::MissingCaption))
    for (int i = issues_->topLevelItemCount() - 1; i >= 0; --i) {
      QTreeWidgetItem* item = issues_->topLevelItem(i);
      if (item->data(1, Qt::UserRole).toString() == path &&
          item->data(0, Qt::UserRole).toInt() == int(data::IssueKind::MissingCaption))
        delete item;
    }
  refreshSummary();
}

void DatasetPage::selectImage(const QString& path) {
  const int row = model_->rowOf(path);
  if (row < 0) return;  // an issue about a folder, shard or concept.toml
  QModelIndex shown = filter_->mapFromSource(model_->index(row));
  if (!shown.isValid()) {
    problemFilter_->setCurrentIndex(0);
    textFilter_->clear();
    shown = filter_->mapFromSource(model_->index(row));
  }
  grid_->setCurrentIndex(shown);
  grid_->scrollTo(shown);
  grid_->setFocus();
}

void DatasetPage::chooseFolder() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Dataset Folder"), datasetPath());
  if (!folder.isEmpty()) useDataset(folder);
}

void DatasetPage::useDataset(const QString& path) {
  setDatasetPath(path);
  emit datasetPathChosen(QDir::cleanPath(path));
}

void DatasetPage::dragEnterEvent(QDragEnterEvent* event) {
  if (!event->mimeData()->hasUrls()) return;
  for (const QUrl& url : event->mimeData()->urls())
    if (!url.isLocalFile()) return;
  event->acceptProposedAction();
}

void DatasetPage::dropEvent(QDropEvent* event) {
  const DroppedFiles dropped = sortDroppedFiles(event->mimeData()->urls());
  event->acceptProposedAction();
  QStringList notAdded = dropped.others;
  if (!dropped.folders.isEmpty()) {
    useDataset(dropped.folders.first());
    notAdded << dropped.folders.mid(1) << dropped.shards << dropped.images;
  } else if (!dropped.shards.isEmpty()) {
    const QString pattern = shardPattern(dropped.shards);
    if (pattern.isEmpty()) {
      // Shards of different folders: the first folder's are used.
      const QString folder = QFileInfo(dropped.shards.first()).path();
      QStringList sameFolder;
      for (const QString& shard : dropped.shards)
        (QFileInfo(shard).path() == folder ? sameFolder : notAdded) << shard;
      const QString first = shardPattern(sameFolder);
      useDataset(first.isEmpty() ? dropped.shards.first() : first);
    } else {
      useDataset(pattern);
    }
    notAdded << dropped.images;
  } else if (!dropped.images.isEmpty()) {
    addImages(dropped.images);
  }
  if (!notAdded.isEmpty())
    QMessageBox::information(
        this, tr("Not Added"),
        tr("A dataset is one folder, or .tar shards of one folder, or images to add to it. "
           "These were not used: %1")
            .arg(notAdded.join(", ")));
}

void DatasetPage::addImages(const QStringList& files) {
  QString folder = datasetPath();
  if (folder.isEmpty() || !QFileInfo(folder).isDir()) {
    folder = QFileDialog::getExistingDirectory(this, tr("Folder to Add the Images To"), projectFolder_);
    if (folder.isEmpty()) return;
  }
  // Images are copied with a caption file of the same name, when one lies beside them; nothing in
  // the dataset is ever overwritten.
  QStringList clashes, failed;
  const QString captionExtension = qs(settings_.dataset.captionExtension);
  for (const QString& file : files) {
    const QFileInfo source(file);
    const QString target = QDir(folder).filePath(source.fileName());
    if (QFileInfo::exists(target)) {
      clashes << source.fileName();
      continue;
    }
    if (!QFile::copy(file, target)) {
      failed << source.fileName();
      continue;
    }
    const QString caption = source.dir().filePath(source.completeBaseName() + captionExtension);
    const QString captionTarget = QDir(folder).filePath(source.completeBaseName() + captionExtension);
    if (QFileInfo::exists(caption) && !QFileInfo::exists(captionTarget)) QFile::copy(caption, captionTarget);
  }
  if (!clashes.isEmpty() || !failed.isEmpty()) {
    QStringList lines;
    if (!clashes.isEmpty())
      lines << tr("Already in the dataset (left as they are): %1").arg(clashes.join(", "));
    if (!failed.isEmpty()) lines << tr("Could not be copied: %1").arg(failed.join(", "));
    QMessageBox::warning(this, tr("Some Images Not Added"), lines.join("\n"));
  }
  if (QDir::cleanPath(folder) != QDir::cleanPath(datasetPath())) {
    useDataset(folder);
  } else {
    rescan();
  }
}

}  // namespace sds::widgets
