#pragma once
// The Dataset page's grid: one item per usable image and one per image the scan skipped, with its
// caption as text (editable in place for image files: saved atomically beside the image) and a
// thumbnail decoded off the UI thread the first time the view asks for it, then cached.

#include <QAbstractListModel>
#include <QCache>
#include <QHash>
#include <QPixmap>
#include <memory>

#include "data/dataset.h"

namespace sds::widgets {

class ThumbnailLoader;

class DatasetModel : public QAbstractListModel {
  Q_OBJECT
 public:
  // What is wrong with an item, for the filters.
  enum Problem { NoProblem = 0, MissingCaption = 1, Unreadable = 2, TooSmall = 4, OtherProblem = 8 };
  enum Role {
    ProblemsRole = Qt::UserRole,  // Problem bits
    PathRole,                     // the file, or "shard.tar:member"
    ThumbnailReadyRole,           // the thumbnail is decoded (or cannot be: a warning icon stands in)
    IssuesRole,                   // the scan's messages about the item, one a line
    CaptionFileRole,              // where an edit of the caption goes; empty for tar members
  };
  static constexpr int kThumbnailSize = 128;

  explicit DatasetModel(QObject* parent = nullptr);
  ~DatasetModel() override;

  // The kind of a scan issue in the user's language ("too large", "unreadable", …; the reports of
  // sdtrain keep data::issueName's stable English names).
  static QString issueKindText(data::IssueKind kind);

  // Shows a scan's result. captionExtension names the caption files that edits write;
  // defaultCaption is the dataset's, used (as the scan does) when a caption is cleared.
  void setDataset(std::shared_ptr<const data::Dataset> dataset, const QString& captionExtension,
                  const QString& defaultCaption = {});
  void clear();

  // The row of an image by its PathRole, or -1.
  int rowOf(const QString& path) const { return rowOf_.value(path, -1); }

  // Why the last setData failed (tar members cannot be edited, a file could not be written).
  QString lastError() const { return lastError_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;

 signals:
  // A caption was written; `path` is the image's PathRole (the page drops its missing-caption issue).
  void captionSaved(int row, const QString& path, const QString& captionFile);
  void editRefused(const QString& reason);

 private:
  void dropItems();  // inside a model reset
  struct Item {
    data::ImageRef image;
    QString caption;
    int problems = NoProblem;
    QString issueText;  // the scan's messages about it
    int width = 0, height = 0;
    QString format;
    QString thumbnailKey;
    QString defaultCaption;  // the concept's or the dataset's, for a cleared caption
  };
  QVariant decoration(int row) const;
  void thumbnailArrived(const QString& key);
  QString captionFileOf(const data::ImageRef& image) const;

  std::vector<Item> items_;
  QHash<QString, int> rowOf_, rowOfThumbnail_;
  QString captionExtension_ = ".txt";
  ThumbnailLoader* loader_ = nullptr;
  mutable QCache<int, QPixmap> decorations_{1024};  // thumbnails as painted, with a problem badge
  QString lastError_;
};

}  // namespace sds::widgets
