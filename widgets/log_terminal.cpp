#include "log_terminal.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "log_model.h"

namespace sds::widgets {
namespace {

constexpr int kFlushIntervalMs = 50;

}  // namespace

LogTerminal::LogTerminal(QWidget* parent) : QWidget(parent) {
  model_ = new LogModel(this);
  view_ = new QListView(this);
  view_->setModel(model_);
  view_->setUniformItemSizes(true);
  // Monospace so columns line up; the hint picks one where the system names no fixed font.
  QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  font.setStyleHint(QFont::Monospace);
  font.setFixedPitch(true);
  view_->setFont(font);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setAccessibleName(tr("Trainer log"));
  view_->setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* copy = new QAction(tr("Copy"), view_);
  copy->setShortcut(QKeySequence::Copy);
  copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  connect(copy, &QAction::triggered, this, &LogTerminal::copySelection);
  auto* copyAll = new QAction(tr("Copy all"), view_);
  connect(copyAll, &QAction::triggered, this,
          [this] { QApplication::clipboard()->setText(model_->allFormatted().join('\n')); });
  view_->addAction(copy);
  view_->addAction(copyAll);

  level_ = new QComboBox(this);
  level_->setAccessibleName(tr("Log level filter"));
  level_->setToolTip(tr("Show only lines of this level and above"));
  level_->addItem(tr("All"), "trace");
  level_->addItem(tr("Debug and above"), "debug");
  level_->addItem(tr("Info and above"), "info");
  level_->addItem(tr("Warnings and errors"), "warn");
  level_->addItem(tr("Errors"), "error");
  connect(level_, &QComboBox::currentIndexChanged, this,
          [this] { setMinimumLevel(level_->currentData().toString()); });

  search_ = new QLineEdit(this);
  search_->setPlaceholderText(tr("Search the log…"));
  search_->setAccessibleName(tr("Search the log"));
  search_->setToolTip(tr("Text to find in the log; Enter finds the next line containing it"));
  search_->setClearButtonEnabled(true);
  connect(search_, &QLineEdit::returnPressed, this, [this] { findNext(false); });
  auto* previous = new QToolButton(this);
  previous->setArrowType(Qt::UpArrow);
  previous->setToolTip(tr("Find previous"));
  previous->setAccessibleName(tr("Find previous"));
  connect(previous, &QToolButton::clicked, this, [this] { findNext(true); });
  auto* next = new QToolButton(this);
  next->setArrowType(Qt::DownArrow);
  next->setToolTip(tr("Find next (Enter)"));
  next->setAccessibleName(tr("Find next"));
  connect(next, &QToolButton::clicked, this, [this] { findNext(false); });
  searchStatus_ = new QLabel(this);
  searchStatus_->setAccessibleName(tr("Search result"));

  follow_ = new QToolButton(this);
  follow_->setText(tr("Follow"));
  follow_->setCheckable(true);
  follow_->setChecked(true);
  follow_->setToolTip(tr("Keep the newest line in view; scrolling up pauses this"));
  connect(follow_, &QToolButton::toggled, this, [this](bool on) {
    if (on) view_->scrollToBottom();
  });
  auto* save = new QToolButton(this);
  save->setText(tr("Save…"));
  save->setToolTip(tr("Save the whole log to a text file"));
  connect(save, &QToolButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Log"), "sdtrain.log", tr("Log files (*.log *.txt)"));
    if (path.isEmpty()) return;
    QString error;
    if (!saveTo(path, &error)) QMessageBox::warning(this, tr("Save Log"), error);
  });
  auto* clearButton = new QToolButton(this);
  clearButton->setText(tr("Clear"));
  clearButton->setToolTip(tr("Remove every line from the view"));
  connect(clearButton, &QToolButton::clicked, this, &LogTerminal::clear);
  for (QToolButton* b : {follow_, save, clearButton}) {
    b->setAccessibleName(b->text().remove('&').remove(QStringLiteral("…")));
    b->setFocusPolicy(Qt::StrongFocus);
  }
  previous->setFocusPolicy(Qt::StrongFocus);
  next->setFocusPolicy(Qt::StrongFocus);

  auto* tools = new QHBoxLayout;
  tools->addWidget(level_);
  tools->addWidget(search_, 1);
  tools->addWidget(previous);
  tools->addWidget(next);
  tools->addWidget(searchStatus_);
  tools->addWidget(follow_);
  tools->addWidget(save);
  tools->addWidget(clearButton);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(tools);
  layout->addWidget(view_, 1);

  connect(view_->verticalScrollBar(), &QScrollBar::valueChanged, this, &LogTerminal::onScrolled);
  flushTimer_ = new QTimer(this);
  flushTimer_->setSingleShot(true);
  flushTimer_->setInterval(kFlushIntervalMs);
  connect(flushTimer_, &QTimer::timeout, this, &LogTerminal::flush);
  applyPalette();
}

void LogTerminal::append(const QString& level, const QString& message) {
  model_->append(LogModel::parseLevel(level), message);
  if (!flushTimer_->isActive()) flushTimer_->start();
}

void LogTerminal::flush() {
  flushTimer_->stop();
  model_->flush();
  if (follow_->isChecked()) view_->scrollToBottom();
}

void LogTerminal::clear() {
  model_->clear();
  searchStatus_->clear();
}

int LogTerminal::lineCount() const {
  const_cast<LogTerminal*>(this)->flush();
  return model_->lineCount();
}

int LogTerminal::visibleLineCount() const {
  const_cast<LogTerminal*>(this)->flush();
  return model_->rowCount();
}

QStringList LogTerminal::visibleLines() const {
  const_cast<LogTerminal*>(this)->flush();
  QStringList lines;
  for (int row = 0; row < model_->rowCount(); ++row) lines << model_->formatLine(row);
  return lines;
}

bool LogTerminal::saveTo(const QString& path, QString* error) {
  flush();
  QSaveFile file(path);
  const QByteArray text = (model_->allFormatted().join('\n') + '\n').toUtf8();
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(text) != text.size() || !file.commit()) {
    if (error) *error = tr("%1 could not be written: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

void LogTerminal::setMinimumLevel(const QString& level) {
  const int index = level_->findData(level);
  if (index >= 0 && index != level_->currentIndex()) {
    level_->setCurrentIndex(index);  // calls back here
    return;
  }
  model_->setMinimumLevel(LogModel::parseLevel(level));
  if (follow_->isChecked()) view_->scrollToBottom();
}

void LogTerminal::setAutoScroll(bool on) { follow_->setChecked(on); }

bool LogTerminal::autoScroll() const { return follow_->isChecked(); }

void LogTerminal::onScrolled(int value) {
  // The user scrolling up pauses following; scrolling back to the end resumes it.
  const bool atEnd = value >= view_->verticalScrollBar()->maximum();
  if (follow_->isChecked() != atEnd) {
    const QSignalBlocker block(follow_);
    follow_->setChecked(atEnd);
  }
}

bool LogTerminal::findNext(bool backwards) {
  flush();
  const QString needle = search_->text();
  const int rows = model_->rowCount();
  if (needle.isEmpty() || rows == 0) {
    searchStatus_->clear();
    return false;
  }
  // All matches are collected (a few ms for 100k lines) so the status can say which one this is.
  std::vector<int> matches;
  for (int row = 0; row < rows; ++row)
    if (model_->message(row).contains(needle, Qt::CaseInsensitive)) matches.push_back(row);
  if (matches.empty()) {
    searchStatus_->setText(tr("No match"));
    return false;
  }
  const int current = view_->currentIndex().isValid() ? view_->currentIndex().row() : (backwards ? rows : -1);
  std::size_t found;
  if (backwards) {
    const auto it = std::lower_bound(matches.begin(), matches.end(), current);
    found = it == matches.begin() ? matches.size() - 1 : std::size_t(it - matches.begin()) - 1;
  } else {
    const auto it = std::upper_bound(matches.begin(), matches.end(), current);
    found = it == matches.end() ? 0 : std::size_t(it - matches.begin());
  }
  setAutoScroll(false);  // the found line stays in view while lines keep arriving
  const QModelIndex index = model_->index(matches[found]);
  view_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
  view_->scrollTo(index, QAbstractItemView::PositionAtCenter);
  searchStatus_->setText(tr("%1 of %2").arg(found + 1).arg(matches.size()));
  return true;
}

QString LogTerminal::searchStatus() const { return searchStatus_->text(); }

void LogTerminal::copySelection() {
  QModelIndexList selected = view_->selectionModel()->selectedRows();
  std::sort(selected.begin(), selected.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  QStringList lines;
  for (const QModelIndex& index : selected) lines << model_->formatLine(index.row());
  if (!lines.isEmpty()) QApplication::clipboard()->setText(lines.join('\n'));
}

void LogTerminal::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) applyPalette();
  QWidget::changeEvent(event);
}

void LogTerminal::applyPalette() {
  model_->setColours(palette().color(QPalette::Text), palette().color(QPalette::Base));
}

}  // namespace sds::widgets
