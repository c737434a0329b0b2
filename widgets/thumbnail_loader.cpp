#include "thumbnail_loader.h"

#include <QDateTime>
#include <QFileInfo>

#include "data/image_reader.h"
#include "image/decode.h"

namespace sds::widgets {
namespace {

// Decodes, reduced while decoding where the format allows, and scales to a thumbnail; null when the
// image cannot be read (the scan reports why).
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
  const QImage image(rgb.pixels.data(), rgb.width, rgb.height, rgb.width * 3, QImage::Format_RGB888);
  // scaled() makes a deep copy, so the pixels may go with `decoded`.
  return image.scaled(ThumbnailLoader::kSize, ThumbnailLoader::kSize, Qt::KeepAspectRatio,
                      Qt::SmoothTransformation);
}

}  // namespace

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
