#pragma once
// The Dataset page's grid: one item per usable image and one per image the scan skipped, with its
// caption as text (editable in place for image files: saved atomically beside the image) and a
// thumbnail decoded off the UI thread the first time the view asks for it, then cached.

#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QSet>
#include <memory>

#include "data/dataset.h"
#include "data/image_reader.h"

namespace sds::widgets {

class DatasetModel : public QAbstractListModel {
  Q_OBJECT
 public:
  // What is wrong with an item, for the filters.
  enum Problem { NoProblem = 0, MissingCaption = 1, Unreadable = 2, TooSmall = 4, OtherProblem = 8 };
  enum Role { ProblemsRole = Qt::UserRole, PathRole, ThumbnailReadyRole };
  static constexpr int kThumbnailSize = 128;

  explicit DatasetModel(QObject* parent = nullptr);

  // Shows a scan's result; captionExtension names the caption files that edits write.
  void setDataset(std::shared_ptr<const data::Dataset> dataset, const QString& captionExtension);
  void clear();

  // Why the last setData failed (tar members cannot be edited, a file could not be written).
  QString lastError() const { return lastError_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;

 signals:
  void captionSaved(int row, const QString& captionFile);
  void editRefused(const QString& reason);

 private:
  struct Item {
    data::ImageRef image;
    QString caption;
    int problems = NoProblem;
    QString issueText;  // the scan's messages about it
    int width = 0, height = 0;
  };
  void requestThumbnail(int row) const;
  void thumbnailReady(quint64 generation, int row, const QImage& image);
  QString captionFileOf(const data::ImageRef& image) const;

  std::vector<Item> items_;
  QString captionExtension_ = ".txt";
  quint64 generation_ = 0;  // results of thumbnails of an earlier dataset are dropped
  mutable QCache<int, QImage> thumbnails_{4096};
  mutable QSet<int> loading_;
  std::shared_ptr<data::ImageReader> reader_;
  QString lastError_;
};

}  // namespace sds::widgets
