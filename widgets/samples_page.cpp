#include "samples_page.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include "samples_grid.h"

namespace sds::widgets {
namespace {

constexpr int kThumbnail = 160;
constexpr int kStepRole = Qt::UserRole;
constexpr int kPathRole = Qt::UserRole + 1;
constexpr int kPromptRole = Qt::UserRole + 2;
constexpr int kSeedRole = Qt::UserRole + 3;

// One image with its caption lines, at full size in a scroll area.
QWidget* imagePanel(const SampleInfo& info, QWidget* parent) {
  auto* panel = new QWidget(parent);
  auto* image = new QLabel(panel);
  QImageReader reader(info.path);
  const QImage loaded = reader.read();
  if (loaded.isNull()) {
    image->setText(SamplesPage::tr("%1 cannot be read: %2").arg(info.path, reader.errorString()));
  } else {
    image->setPixmap(QPixmap::fromImage(loaded));
  }
  image->setAlignment(Qt::AlignCenter);
  auto* scroll = new QScrollArea(panel);
  scroll->setWidget(image);
  scroll->setWidgetResizable(true);
  auto* text = new QLabel(panel);
  text->setWordWrap(true);
  text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  text->setText(QStringLiteral("<b>%1</b><br>%2<br>%3")
                    .arg(info.prompt.toHtmlEscaped(),
                         SamplesPage::tr("Step %1 · seed %2").arg(info.step).arg(info.seed),
                         QFileInfo(info.path).fileName().toHtmlEscaped()));
  auto* layout = new QVBoxLayout(panel);
  layout->addWidget(scroll, 1);
  layout->addWidget(text);
  return panel;
}

void showDialog(QWidget* parent, const QString& title, const QList<SampleInfo>& samples) {
  auto* dialog = new QDialog(parent);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(title);
  auto* row = new QHBoxLayout;
  for (const SampleInfo& s : samples) row->addWidget(imagePanel(s, dialog), 1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
  auto* layout = new QVBoxLayout(dialog);
  layout->addLayout(row, 1);
  layout->addWidget(buttons);
  dialog->resize(std::min(1400, 560 * int(samples.size())), 680);
  dialog->show();
}

SampleInfo infoOf(const QListWidgetItem* item) {
  return {item->data(kPathRole).toString(), item->data(kStepRole).toLongLong(), item->data(kPromptRole).toString(),
          item->data(kSeedRole).toLongLong()};
}

}  // namespace

SampleInfo readSampleInfo(const QString& path) {
  SampleInfo info;
  info.path = path;
  QImageReader reader(path);
  bool ok = false;
  info.prompt = reader.text("prompt");
  const qint64 seed = reader.text("seed").toLongLong(&ok);
  if (ok) info.seed = seed;
  const qint64 step = reader.text("step").toLongLong(&ok);
  if (ok) info.step = step;
  if (info.step < 0) {
    static const QRegularExpression name("step-(\\d+)");
    const QRegularExpressionMatch m = name.match(QFileInfo(path).fileName());
    if (m.hasMatch()) info.step = m.captured(1).toLongLong();
  }
  return info;
}

SamplesPage::SamplesPage(QWidget* parent) : QWidget(parent) {
  gallery_ = new QListWidget(this);
  gallery_->setViewMode(QListView::IconMode);
  gallery_->setIconSize(QSize(kThumbnail, kThumbnail));
  gallery_->setGridSize(QSize(kThumbnail + 24, kThumbnail + 3 * fontMetrics().lineSpacing() + 8));
  gallery_->setResizeMode(QListView::Adjust);
  gallery_->setMovement(QListView::Static);
  gallery_->setWordWrap(true);
  gallery_->setUniformItemSizes(true);
  gallery_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  gallery_->setSortingEnabled(false);
  gallery_->setAccessibleName(tr("Sample images"));
  connect(gallery_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) { openSample(gallery_->row(item)); });
  connect(gallery_, &QListWidget::itemSelectionChanged, this, &SamplesPage::refreshActions);

  grid_ = new SamplesGrid(this);
  connect(grid_, &SamplesGrid::sampleActivated, this, [this](const QString& path) {
    if (QListWidgetItem* item = byPath_.value(path)) openSample(gallery_->row(item));
  });
  views_ = new QStackedWidget(this);
  views_->addWidget(gallery_);
  views_->addWidget(grid_);
  viewChoice_ = new QComboBox(this);
  viewChoice_->setAccessibleName(tr("Samples view"));
  viewChoice_->addItem(tr("Gallery, newest first"));
  viewChoice_->addItem(tr("Grid: prompts × steps"));
  viewChoice_->setToolTip(tr("The grid shows one column per prompt and one row per sampled step, so each "
                             "column shows how that prompt improved"));
  connect(viewChoice_, &QComboBox::currentIndexChanged, this, [this](int index) {
    views_->setCurrentIndex(index);
    refreshActions();
  });
  introduction_ = new QLabel(this);
  introduction_->setWordWrap(true);
  introduction_->setTextFormat(Qt::RichText);
  introduction_->hide();

  promptFilter_ = new QComboBox(this);
  promptFilter_->setAccessibleName(tr("Prompt filter"));
  promptFilter_->addItem(tr("All prompts"));
  promptFilter_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  promptFilter_->setMinimumContentsLength(24);
  connect(promptFilter_, &QComboBox::currentIndexChanged, this, &SamplesPage::applyFilter);
  compare_ = new QPushButton(tr("&Compare"), this);
  compare_->setToolTip(tr("Show the two selected samples side by side"));
  connect(compare_, &QPushButton::clicked, this, &SamplesPage::compareSelected);
  openFolder_ = new QPushButton(tr("&Open run folder"), this);
  openFolder_->setToolTip(tr("Open the run's folder in the file manager"));
  connect(openFolder_, &QPushButton::clicked, this,
          [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(runFolder_)); });
  summary_ = new QLabel(this);

  auto* top = new QHBoxLayout;
  auto* viewLabel = new QLabel(tr("&View:"), this);
  viewLabel->setBuddy(viewChoice_);
  top->addWidget(viewLabel);
  top->addWidget(viewChoice_);
  auto* filterLabel = new QLabel(tr("&Prompt:"), this);
  filterLabel->setBuddy(promptFilter_);
  top->addWidget(filterLabel);
  top->addWidget(promptFilter_, 1);
  top->addWidget(compare_);
  top->addWidget(openFolder_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(introduction_);
  layout->addLayout(top);
  layout->addWidget(summary_);
  layout->addWidget(views_, 1);

  // Thumbnails are decoded a few at a time so that a folder of many samples never blocks the window.
  thumbnailTimer_ = new QTimer(this);
  thumbnailTimer_->setInterval(0);
  connect(thumbnailTimer_, &QTimer::timeout, this, &SamplesPage::loadThumbnails);
  refreshActions();
}

int SamplesPage::sampleCount() const { return gallery_->count(); }

void SamplesPage::setIntroduction(const QString& text) {
  introduction_->setText(text);
  introduction_->setVisible(!text.isEmpty());
}

void SamplesPage::setView(View view) { viewChoice_->setCurrentIndex(view == View::Grid ? 1 : 0); }

SamplesPage::View SamplesPage::view() const { return viewChoice_->currentIndex() == 1 ? View::Grid : View::Gallery; }

void SamplesPage::setRunFolder(const QString& runFolder) {
  runFolder_ = runFolder;
  gallery_->clear();
  grid_->clearSamples();
  byPath_.clear();
  thumbnailQueue_.clear();
  while (promptFilter_->count() > 1) promptFilter_->removeItem(1);
  const QDir samples(QDir(runFolder).filePath("samples"));
  for (const QFileInfo& file : samples.entryInfoList({"*.png"}, QDir::Files, QDir::Name)) add(readSampleInfo(file.filePath()));
  refreshActions();
}

void SamplesPage::addSample(qint64 step, const QString& path, const QString& prompt, qint64 seed) {
  add({path, step, prompt, seed});
  refreshActions();
}

void SamplesPage::add(const SampleInfo& info) {
  const QString path = QFileInfo(info.path).absoluteFilePath();
  if (byPath_.contains(path)) return;
  // Newest first: after every item of a later step, and after the same step's earlier prompts.
  int row = 0;
  while (row < gallery_->count() && gallery_->item(row)->data(kStepRole).toLongLong() > info.step) ++row;
  while (row < gallery_->count() && gallery_->item(row)->data(kStepRole).toLongLong() == info.step &&
         gallery_->item(row)->data(kPathRole).toString() < path)
    ++row;
  auto* item = new QListWidgetItem;
  const QString prompt = info.prompt.isEmpty() ? QFileInfo(path).fileName() : info.prompt;
  item->setText(tr("Step %1\n%2").arg(info.step).arg(prompt));
  item->setToolTip(tr("%1\nStep %2 · seed %3").arg(prompt).arg(info.step).arg(info.seed));
  item->setData(kStepRole, info.step);
  item->setData(kPathRole, path);
  item->setData(kPromptRole, info.prompt);
  item->setData(kSeedRole, info.seed);
  gallery_->insertItem(row, item);
  grid_->addSample({path, info.step, info.prompt, info.seed});
  byPath_.insert(path, item);
  thumbnailQueue_ << item;
  thumbnailTimer_->start();
  if (!info.prompt.isEmpty() && promptFilter_->findText(info.prompt) < 0) promptFilter_->addItem(info.prompt);
  // Only the new item and its grid column: filtering everything again per sample would make listing a
  // large folder quadratic.
  const QString filter = promptFilter_->currentIndex() > 0 ? promptFilter_->currentText() : QString();
  item->setHidden(!filter.isEmpty() && info.prompt != filter);
  grid_->setColumnHidden(int(grid_->prompts().indexOf(info.prompt)), !filter.isEmpty() && info.prompt != filter);
}

void SamplesPage::loadThumbnails() {
  for (int i = 0; i < 4 && !thumbnailQueue_.isEmpty(); ++i) {
    QListWidgetItem* item = thumbnailQueue_.takeFirst();
    QImageReader reader(item->data(kPathRole).toString());
    const QSize size = reader.size();
    if (size.isValid()) reader.setScaledSize(size.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio));
    const QImage image = reader.read();
    if (image.isNull()) continue;
    const QIcon icon(QPixmap::fromImage(image));
    item->setIcon(icon);
    grid_->setThumbnail(item->data(kPathRole).toString(), icon);
  }
  if (thumbnailQueue_.isEmpty()) thumbnailTimer_->stop();
}

void SamplesPage::applyFilter() {
  const QString filter = promptFilter_->currentIndex() > 0 ? promptFilter_->currentText() : QString();
  for (int row = 0; row < gallery_->count(); ++row) {
    QListWidgetItem* item = gallery_->item(row);
    item->setHidden(!filter.isEmpty() && item->data(kPromptRole).toString() != filter);
  }
  // The grid keeps its rows and hides the other prompts' columns.
  const QStringList prompts = grid_->prompts();
  for (int column = 0; column < prompts.size(); ++column)
    grid_->setColumnHidden(column, !filter.isEmpty() && prompts[column] != filter);
  refreshActions();
}

void SamplesPage::refreshActions() {
  const QList<QListWidgetItem*> selected = gallery_->selectedItems();
  compare_->setEnabled(view() == View::Gallery && selected.size() == 2);
  openFolder_->setEnabled(!runFolder_.isEmpty() && QFileInfo::exists(runFolder_));
  int visible = 0;
  for (int row = 0; row < gallery_->count(); ++row) visible += gallery_->item(row)->isHidden() ? 0 : 1;
  summary_->setText(gallery_->count() == 0
                        ? tr("No samples yet. They appear here as the trainer makes them (see the Samples "
                             "section of the Project page for prompts and interval).")
                    : view() == View::Grid
                        ? tr("%1 of %2 samples shown: %3 prompts, %4 steps. Double-click one to see it at full size.")
                              .arg(visible)
                              .arg(gallery_->count())
                              .arg(grid_->prompts().size())
                              .arg(grid_->steps().size())
                        : tr("%1 of %2 samples shown. Double-click one to see it at full size; select two "
                             "to compare them.")
                              .arg(visible)
                              .arg(gallery_->count()));
}

void SamplesPage::openSample(int row) {
  if (row < 0 || row >= gallery_->count()) return;
  const SampleInfo info = infoOf(gallery_->item(row));
  showDialog(this, tr("Sample at step %1").arg(info.step), {info});
}

void SamplesPage::compareSelected() {
  QList<QListWidgetItem*> selected = gallery_->selectedItems();
  if (selected.size() != 2) return;
  // Earlier step on the left.
  std::sort(selected.begin(), selected.end(), [](const QListWidgetItem* a, const QListWidgetItem* b) {
    return a->data(kStepRole).toLongLong() < b->data(kStepRole).toLongLong();
  });
  const SampleInfo left = infoOf(selected[0]), right = infoOf(selected[1]);
  showDialog(this, tr("Step %1 and step %2").arg(left.step).arg(right.step), {left, right});
}

}  // namespace sds::widgets
