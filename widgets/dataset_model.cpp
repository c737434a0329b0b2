#include "dataset_model.h"

#include <QDir>
#include <QFileInfo>
#include <QFontMetrics>
#include <QIcon>
#include <QPixmap>
#include <QCoreApplication>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include "image/decode.h"
#include "util/atomic_file.h"

namespace sds::widgets {
namespace {

QString qs(const std::string& text) { return QString::fromStdString(text); }

int problemOf(data::IssueKind kind) {
  switch (kind) {
    case data::IssueKind::MissingCaption: return DatasetModel::MissingCaption;
    case data::IssueKind::TooSmall: return DatasetModel::TooSmall;
    case data::IssueKind::Unreadable: case data::IssueKind::Empty: case data::IssueKind::NotAnImage:
    case data::IssueKind::Unsupported: case data::IssueKind::Truncated: case data::IssueKind::Corrupt:
    case data::IssueKind::TooLarge:
      return DatasetModel::Unreadable;
    default: return DatasetModel::OtherProblem;
  }
}

// Decodes (reduced while decoding where the format allows) and scales to a thumbnail.
QImage decodeThumbnail(data::ImageReader& reader, const data::ImageRef& ref) {
  image::DecodeOptions options;
  options.minWidth = options.minHeight = DatasetModel::kThumbnailSize;
  std::vector<std::uint8_t> bytes;
  try {
    bytes = reader.read(ref);
  } catch (const std::exception&) {
    return {};
  }
  const image::DecodeResult decoded = image::decodeImage(bytes.data(), bytes.size(), ref.displayName(), options);
  if (!decoded) return {};
  const image::Rgb8Image& rgb = decoded.value().image;
  const QImage image(rgb.pixels.data(), rgb.width, rgb.height, rgb.width * 3, QImage::Format_RGB888);
  return image.scaled(DatasetModel::kThumbnailSize, DatasetModel::kThumbnailSize, Qt::KeepAspectRatio,
                      Qt::SmoothTransformation);  // a deep copy: the pixels go away with `decoded`
}

}  // namespace

DatasetModel::DatasetModel(QObject* parent) : QAbstractListModel(parent), reader_(std::make_shared<data::ImageReader>()) {}

void DatasetModel::clear() {
  beginResetModel();
  items_.clear();
  thumbnails_.clear();
  loading_.clear();
  ++generation_;
  endResetModel();
}

void DatasetModel::setDataset(std::shared_ptr<const data::Dataset> dataset, const QString& captionExtension) {
  beginResetModel();
  items_.clear();
  thumbnails_.clear();
  loading_.clear();
  ++generation_;
  reader_ = std::make_shared<data::ImageReader>();
  captionExtension_ = captionExtension;
  std::map<std::string, std::size_t> rowOf;
  for (const data::Sample& s : dataset->samples) {
    rowOf[s.image.displayName()] = items_.size();
    items_.push_back({s.image, qs(s.caption), NoProblem, {}, s.width, s.height});
  }
  // Warnings attach to their sample; skipped images become items of their own.
  for (const data::Issue& issue : dataset->issues) {
    const auto found = rowOf.find(issue.item);
    if (found != rowOf.end()) {
      Item& item = items_[found->second];
      item.problems |= problemOf(issue.kind);
      item.issueText += (item.issueText.isEmpty() ? "" : "\n") + qs(issue.message);
    } else if (issue.skipped) {
      data::ImageRef ref;
      const std::size_t colon = issue.item.find(".tar:");
      if (colon != std::string::npos) {
        ref.path = issue.item.substr(0, colon + 4);
        ref.member = issue.item.substr(colon + 5);
      } else {
        ref.path = issue.item;
      }
      rowOf[issue.item] = items_.size();
      items_.push_back({ref, {}, problemOf(issue.kind), qs(issue.message), 0, 0});
    }
  }
  endResetModel();
}

int DatasetModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(items_.size()); }

Qt::ItemFlags DatasetModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractListModel::flags(index);
  if (index.isValid() && !(items_[index.row()].problems & (Unreadable | TooSmall | OtherProblem)))
    f |= Qt::ItemIsEditable;
  return f;
}

QVariant DatasetModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= int(items_.size())) return {};
  const Item& item = items_[index.row()];
  switch (role) {
    case Qt::DisplayRole:
      if (item.problems & (Unreadable | OtherProblem)) return tr("(skipped)");
      return item.caption.isEmpty() ? tr("(no caption)") : item.caption;
    case Qt::EditRole: return item.caption;
    case Qt::DecorationRole: {
      if (item.problems & Unreadable) return QIcon::fromTheme("image-missing");
      if (const QImage* cached = thumbnails_.object(index.row())) return QPixmap::fromImage(*cached);
      requestThumbnail(index.row());
      return {};
    }
    case Qt::ToolTipRole: {
      QString tip = QDir::toNativeSeparators(qs(item.image.displayName()));
      if (item.width > 0) tip += QStringLiteral("\n%1 × %2").arg(item.width).arg(item.height);
      if (!item.caption.isEmpty()) tip += "\n" + item.caption;
      if (!item.issueText.isEmpty()) tip += "\n" + item.issueText;
      return tip;
    }
    case ProblemsRole: return item.problems;
    case PathRole: return qs(item.image.displayName());
    case ThumbnailReadyRole: return thumbnails_.contains(index.row());
    default: return {};
  }
}

void DatasetModel::requestThumbnail(int row) const {
  if (loading_.contains(row)) return;
  loading_.insert(row);
  const quint64 generation = generation_;
  const std::shared_ptr<data::ImageReader> reader = reader_;
  const data::ImageRef ref = items_[row].image;
  QPointer<DatasetModel> self(const_cast<DatasetModel*>(this));
  (void)QtConcurrent::run([self, reader, ref, generation, row] {
    const QImage image = decodeThumbnail(*reader, ref);
    QMetaObject::invokeMethod(
        QCoreApplication::instance(), [self, generation, row, image] {
          if (self) self->thumbnailReady(generation, row, image);
        },
        Qt::QueuedConnection);
  });
}

void DatasetModel::thumbnailReady(quint64 generation, int row, const QImage& image) {
  if (generation != generation_ || row >= int(items_.size())) return;
  loading_.remove(row);
  if (image.isNull()) return;
  thumbnails_.insert(row, new QImage(image), 1);
  const QModelIndex i = index(row);
  emit dataChanged(i, i, {Qt::DecorationRole, ThumbnailReadyRole});
}

QString DatasetModel::captionFileOf(const data::ImageRef& image) const {
  const QFileInfo file(qs(image.path));
  return file.dir().filePath(file.completeBaseName() + captionExtension_);
}

bool DatasetModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || role != Qt::EditRole || index.row() >= int(items_.size())) return false;
  Item& item = items_[index.row()];
  if (!item.image.member.empty()) {
    lastError_ = tr("%1 is inside a tar shard; captions of WebDataset shards cannot be edited here. Edit the "
                    "shard's .txt member with the tool that made it.")
                     .arg(qs(item.image.displayName()));
    emit editRefused(lastError_);
    return false;
  }
  const QString caption = value.toString().trimmed();
  const QString file = captionFileOf(item.image);
  try {
    writeFileAtomically(file.toStdString(), caption.toStdString() + "\n");
  } catch (const std::exception& e) {
    lastError_ = tr("The caption could not be saved: %1").arg(QString::fromUtf8(e.what()));
    emit editRefused(lastError_);
    return false;
  }
  item.caption = caption;
  if (!caption.isEmpty()) {
    item.problems &= ~MissingCaption;
    item.issueText.clear();
  }
  emit dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole, ProblemsRole});
  emit captionSaved(index.row(), file);
  return true;
}

}  // namespace sds::widgets
