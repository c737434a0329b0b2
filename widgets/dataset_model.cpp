#include "dataset_model.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QLocale>
#include <QPainter>
#include <QStyle>

#include "image/decode.h"
#include "thumbnail_loader.h"
#include "util/atomic_file.h"

namespace sds::widgets {
namespace {

QString qs(const std::string& text) { return QString::fromStdString(text); }

int problemOf(data::IssueKind kind) {
  switch (kind) {
    case data::IssueKind::MissingCaption: return DatasetModel::MissingCaption;
    case data::IssueKind::TooSmall: return DatasetModel::TooSmall;
    case data::IssueKind::Unreadable:
    case data::IssueKind::Empty:
    case data::IssueKind::NotAnImage:
    case data::IssueKind::Unsupported:
    case data::IssueKind::Truncated:
    case data::IssueKind::Corrupt:
    case data::IssueKind::TooLarge: return DatasetModel::Unreadable;
    default: return DatasetModel::OtherProblem;
  }
}

// An issue names a tar member as "shard.tar:member" (ImageRef::displayName).
data::ImageRef refOf(const std::string& item) {
  data::ImageRef ref;
  const std::size_t colon = item.find(".tar:");
  if (colon == std::string::npos) {
    ref.path = item;
  } else {
    ref.path = item.substr(0, colon + 4);
    ref.member = item.substr(colon + 5);
  }
  return ref;
}

QIcon warningIcon() { return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning); }

}  // namespace

QString DatasetModel::issueKindText(data::IssueKind kind) {
  switch (kind) {
    case data::IssueKind::Unreadable: return tr("unreadable");
    case data::IssueKind::Empty: return tr("empty");
    case data::IssueKind::NotAnImage: return tr("not an image");
    case data::IssueKind::Unsupported: return tr("unsupported");
    case data::IssueKind::Truncated: return tr("truncated");
    case data::IssueKind::Corrupt: return tr("corrupt");
    case data::IssueKind::TooLarge: return tr("too large");
    case data::IssueKind::MissingCaption: return tr("missing caption");
    case data::IssueKind::BadCaption: return tr("bad caption");
    case data::IssueKind::CaptionTooLong: return tr("caption too long");
    case data::IssueKind::TooSmall: return tr("too small");
    case data::IssueKind::Duplicate: return tr("duplicate");
    case data::IssueKind::Filtered: return tr("filtered");
    case data::IssueKind::BadConcept: return tr("bad concept");
    case data::IssueKind::BadShard: return tr("bad shard");
  }
  return QString::fromUtf8(data::issueName(kind));
}

DatasetModel::DatasetModel(QObject* parent) : QAbstractListModel(parent), loader_(new ThumbnailLoader(this)) {
  connect(loader_, &ThumbnailLoader::ready, this, &DatasetModel::thumbnailArrived);
  connect(loader_, &ThumbnailLoader::failed, this, &DatasetModel::thumbnailArrived);
}

DatasetModel::~DatasetModel() = default;

void DatasetModel::dropItems() {
  items_.clear();
  rowOf_.clear();
  rowOfThumbnail_.clear();
  decorations_.clear();
  loader_->forgetPending();
}

void DatasetModel::clear() {
  beginResetModel();
  dropItems();
  endResetModel();
}

void DatasetModel::setDataset(std::shared_ptr<const data::Dataset> dataset, const QString& captionExtension,
                              const QString& defaultCaption) {
  beginResetModel();
  dropItems();
  captionExtension_ = captionExtension;
  const auto add = [this](Item item, std::uint64_t hash) {
    item.thumbnailKey = ThumbnailLoader::keyOf(item.image, hash);
    rowOf_.insert(qs(item.image.displayName()), int(items_.size()));
    rowOfThumbnail_.insert(item.thumbnailKey, int(items_.size()));
    items_.push_back(std::move(item));
  };
  for (const data::Sample& s : dataset->samples) {
    const QString conceptDefault =
        s.concept < dataset->concepts.size() ? qs(dataset->concepts[s.concept].defaultCaption) : QString();
    Item item;
    item.image = s.image;
    item.caption = qs(s.caption);
    item.width = s.width;
    item.height = s.height;
    item.format = QString::fromUtf8(image::formatName(s.format));
    item.defaultCaption = conceptDefault.isEmpty() ? defaultCaption : conceptDefault;
    add(std::move(item), s.contentHash);
  }
  // Warnings attach to their sample; skipped images become items of their own.
  for (const data::Issue& issue : dataset->issues) {
    const auto found = rowOf_.find(qs(issue.item));
    if (found != rowOf_.end()) {
      Item& item = items_[std::size_t(found.value())];
      item.problems |= problemOf(issue.kind);
      item.issueText += (item.issueText.isEmpty() ? "" : "\n") + qs(issue.message);
    } else if (issue.skipped) {
      Item item;
      item.image = refOf(issue.item);
      item.problems = problemOf(issue.kind);
      item.issueText = qs(issue.message);
      add(std::move(item), 0);
    }
  }
  endResetModel();
}

int DatasetModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(items_.size());
}

Qt::ItemFlags DatasetModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractListModel::flags(index);
  // Tar members stay editable so that an edit is refused with a reason rather than ignored.
  if (index.isValid() &&
      !(items_[std::size_t(index.row())].problems & (Unreadable | TooSmall | OtherProblem)))
    f |= Qt::ItemIsEditable;
  return f;
}

QVariant DatasetModel::decoration(int row) const {
  if (const QPixmap* cached = decorations_.object(row)) return *cached;
  const Item& item = items_[std::size_t(row)];
  if (item.problems & Unreadable || loader_->hasFailed(item.thumbnailKey)) return warningIcon();
  const QImage* thumbnail = loader_->find(item.thumbnailKey, item.image);
  if (!thumbnail) return {};
  // Images with a problem carry a small warning badge in their corner.
  auto* pixmap = new QPixmap(QPixmap::fromImage(*thumbnail));
  if (item.problems != NoProblem) {
    QPainter painter(pixmap);
    const int badge = qMax(16, kThumbnailSize / 6);
    painter.drawPixmap(pixmap->width() - badge, pixmap->height() - badge, warningIcon().pixmap(badge, badge));
  }
  const QPixmap out = *pixmap;
  decorations_.insert(row, pixmap);
  return out;
}

QVariant DatasetModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= int(items_.size())) return {};
  const Item& item = items_[std::size_t(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      if (item.problems & (Unreadable | OtherProblem)) return tr("(skipped)");
      return item.caption.isEmpty() ? tr("(no caption)") : item.caption;
    case Qt::EditRole: return item.caption;
    case Qt::DecorationRole: return decoration(index.row());
    case Qt::ToolTipRole: {
      QStringList lines{
          item.image.member.empty() ? QFileInfo(qs(item.image.path)).fileName() : qs(item.image.member),
          QDir::toNativeSeparators(item.image.member.empty() ? QFileInfo(qs(item.image.path)).path()
                                                             : qs(item.image.path))};
      QString size;
      if (item.width > 0) size = tr("%1 × %2 pixels").arg(item.width).arg(item.height);
      if (!item.format.isEmpty()) size += (size.isEmpty() ? "" : ", ") + item.format;
      if (item.image.member.empty()) {
        const QFileInfo file(qs(item.image.path));
        if (file.exists()) size += (size.isEmpty() ? "" : ", ") + QLocale().formattedDataSize(file.size());
      }
      if (!size.isEmpty()) lines << size;
      if (!item.caption.isEmpty()) lines << tr("Caption: %1").arg(item.caption);
      if (!item.issueText.isEmpty()) lines << item.issueText;
      return lines.join('\n');
    }
    case Qt::AccessibleTextRole: return QFileInfo(data(index, PathRole).toString()).fileName();
    case Qt::AccessibleDescriptionRole: return data(index, Qt::DisplayRole);
    case ProblemsRole: return item.problems;
    case PathRole: return qs(item.image.displayName());
    case ThumbnailReadyRole:
      return bool(item.problems & Unreadable) || loader_->hasFailed(item.thumbnailKey) ||
             loader_->isCached(item.thumbnailKey);
    case IssuesRole: return item.issueText;
    case CaptionFileRole: return item.image.member.empty() ? captionFileOf(item.image) : QString();
    default: return {};
  }
}

void DatasetModel::thumbnailArrived(const QString& key) {
  const int row = rowOfThumbnail_.value(key, -1);
  if (row < 0) return;
  decorations_.remove(row);
  const QModelIndex i = index(row);
  emit dataChanged(i, i, {Qt::DecorationRole, ThumbnailReadyRole});
}

QString DatasetModel::captionFileOf(const data::ImageRef& image) const {
  const QFileInfo file(qs(image.path));
  return file.dir().filePath(file.completeBaseName() + captionExtension_);
}

bool DatasetModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || role != Qt::EditRole || index.row() >= int(items_.size())) return false;
  Item& item = items_[std::size_t(index.row())];
  if (!item.image.member.empty()) {
    lastError_ = tr("%1 is inside a tar shard; captions of WebDataset shards cannot be edited here. Edit the "
                    "shard's .txt member with the tool that made it.")
                     .arg(qs(item.image.displayName()));
    emit editRefused(lastError_);
    return false;
  }
  if (!(flags(index) & Qt::ItemIsEditable)) {
    lastError_ =
        tr("%1 is skipped by the scan; its caption cannot be edited.").arg(qs(item.image.displayName()));
    emit editRefused(lastError_);
    return false;
  }
  const QString caption = value.toString().trimmed();
  if (caption == item.caption) return true;
  const QString file = captionFileOf(item.image);
  try {
    writeFileAtomically(file.toStdString(), caption.toStdString() + "\n");
  } catch (const std::exception& e) {
    lastError_ = tr("The caption could not be saved: %1").arg(QString::fromUtf8(e.what()));
    emit editRefused(lastError_);
    return false;
  }
  // As the scan reads it: an empty caption file counts as none, and the default caption applies.
  item.caption = caption.isEmpty() ? item.defaultCaption : caption;
  if (item.caption.isEmpty()) {
    item.problems |= MissingCaption;
  } else if (item.problems & MissingCaption) {
    item.problems &= ~MissingCaption;
    item.issueText.clear();
  }
  decorations_.remove(index.row());  // the badge may come or go
  emit dataChanged(
      index, index,
      {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole, Qt::DecorationRole, ProblemsRole, IssuesRole});
  emit captionSaved(index.row(), qs(item.image.displayName()), file);
  return true;
}

}  // namespace sds::widgets
