#pragma once
// Thumbnails of dataset images, decoded off the UI thread and cached. A thumbnail is asked for when
// the grid first paints its item, so only visible images are read; tar members are read through one
// shared ImageReader (it indexes each shard once).

#include <QCache>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <memory>

#include "data/dataset.h"

namespace sds::data {
class ImageReader;
}

namespace sds::widgets {

class ThumbnailLoader : public QObject {
  Q_OBJECT
 public:
  static constexpr int kSize = 128;  // the longer side, in pixels

  // The size of the thumbnail of a width × height image: the aspect ratio kept, the longer side kSize.
  static QSize thumbnailSize(int width, int height);

  explicit ThumbnailLoader(QObject* parent = nullptr);
  ~ThumbnailLoader() override;

  // The cache key of an image: its path and member, and its content hash (for skipped files without
  // one, the modification time), so a file changed since the last scan is decoded again.
  static QString keyOf(const data::ImageRef& image, std::uint64_t contentHash = 0);

  // The cached thumbnail, or nullptr after starting to decode it (ready() follows; a failed
  // decode is reported once through failed() and not retried until forget()).
  const QImage* find(const QString& key, const data::ImageRef& image);
  bool isCached(const QString& key) const { return cache_.contains(key); }
  bool hasFailed(const QString& key) const { return failed_.contains(key); }

  // Drops the decodes still waiting (the dataset changed) and the failures; the cache is kept,
  // since a rescan mostly shows the same images.
  void forgetPending();
  // Waits for the decodes under way (tests, shutdown).
  void waitForDone();

 signals:
  void ready(const QString& key);
  void failed(const QString& key);

 private:
  void finished(quint64 generation, const QString& key, const QImage& image);

  QThreadPool pool_;
  std::shared_ptr<data::ImageReader> reader_;
  QCache<QString, QImage> cache_;  // cost: kilobytes of pixels
  QSet<QString> loading_, failed_;
  quint64 generation_ = 0;
};

}  // namespace sds::widgets
