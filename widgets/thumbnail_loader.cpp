#include "thumbnail_loader.h"

#include <QDateTime>
#include <QFileInfo>
#include <cstring>

#include "data/image_reader.h"
#include "image/decode.h"
#include "image/resize.h"

namespace sds::widgets {
namespace {

// Decodes, reduced while decoding where the format allows, and scales to a thumbnail; null when the
// image cannot be read (the scan reports why). Scaled by core's resize (area average) into an image
// Qt owns: a QImage wrapped around the decoder's pixels must never outlive them, and QImage::scaled
// returns such a shallow view when the size already fits.
QImage decodeThumbnail(data::ImageReader& reader, const data::ImageRef& ref) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = reader.read(ref);
  } catch (const std::exception&) {
    return {};
  }
  image::DecodeOptions options;
  options.minWidth = options.minHeight = ThumbnailLoader::kSize;
  const image::DecodeResult decoded =
      image::decodeImage(bytes.data(), bytes.size(), ref.displayName(), options);
  if (!decoded) return {};
  const image::Rgb8Image& rgb = decoded.value().image;
  // From the full size: reducing while decoding rounds each side up, which bends the aspect ratio a little.
  const QSize size = ThumbnailLoader::thumbnailSize(decoded.value().originalWidth, decoded.value().originalHeight);
  // Area averaging when shrinking; bilinear when a small image is enlarged to the grid's size.
  const bool shrinking = size.width() < rgb.width;
  const image::Rgb8Image small = image::resize(rgb, size.width(), size.height(),
                                               shrinking ? image::ResizeFilter::Box : image::ResizeFilter::Triangle);
  QImage thumbnail(small.width, small.height, QImage::Format_RGB888);
  if (thumbnail.isNull()) return {};
  // QImage rows are padded to 4 bytes; the decoder's are not.
  const std::size_t rowBytes = std::size_t(small.width) * 3;
  for (int y = 0; y < small.height; ++y) std::memcpy(thumbnail.scanLine(y), small.row(y), rowBytes);
  return thumbnail;
}

}  // namespace

QSize ThumbnailLoader::thumbnailSize(int width, int height) {
  if (width <= 0 || height <= 0) return {};
  QSize size(width, height);
  size.scale(kSize, kSize, Qt::KeepAspectRatio);
  return size.expandedTo(QSize(1, 1));  // a 4000 × 10 strip still has a row
}

ThumbnailLoader::ThumbnailLoader(QObject* parent)
    : QObject(parent), reader_(std::make_shared<data::ImageReader>()), cache_(48 * 1024) {
  // Two threads keep the UI and a running scan responsive; visible items are few.
  pool_.setMaxThreadCount(2);
}

ThumbnailLoader::~ThumbnailLoader() {
  pool_.clear();
  pool_.waitForDone();
}

QString ThumbnailLoader::keyOf(const data::ImageRef& image, std::uint64_t contentHash) {
  if (contentHash == 0 && image.member.empty())  // skipped images have no hash: the file's time tells
    contentHash = quint64(QFileInfo(QString::fromStdString(image.path)).lastModified().toMSecsSinceEpoch());
  return QString::fromStdString(image.displayName()) + '|' + QString::number(contentHash, 16);
}

const QImage* ThumbnailLoader::find(const QString& key, const data::ImageRef& image) {
  if (const QImage* cached = cache_.object(key)) return cached;
  if (loading_.contains(key) || failed_.contains(key)) return nullptr;
  loading_.insert(key);
  const quint64 generation = generation_;
  const std::shared_ptr<data::ImageReader> reader = reader_;
  // The destructor waits for running decodes, and Qt drops queued calls to a deleted object, so
  // `this` outlives every use here.
  pool_.start([this, reader, image, key, generation] {
    const QImage thumbnail = decodeThumbnail(*reader, image);
    QMetaObject::invokeMethod(
        this, [this, generation, key, thumbnail] { finished(generation, key, thumbnail); },
        Qt::QueuedConnection);
  });
  return nullptr;
}

void ThumbnailLoader::finished(quint64 generation, const QString& key, const QImage& image) {
  if (generation != generation_) return;
  loading_.remove(key);
  if (image.isNull()) {
    failed_.insert(key);
    emit failed(key);
    return;
  }
  cache_.insert(key, new QImage(image), qMax<qsizetype>(1, image.sizeInBytes() / 1024));
  emit ready(key);
}

void ThumbnailLoader::forgetPending() {
  pool_.clear();
  ++generation_;
  loading_.clear();
  failed_.clear();
  // Shards may have been rewritten since their index was built.
  reader_ = std::make_shared<data::ImageReader>();
}

void ThumbnailLoader::waitForDone() { pool_.waitForDone(); }

}  // namespace sds::widgets
