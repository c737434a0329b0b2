// Dataset thumbnails against the decoded image: for PNG, JPEG, WebP and BMP files of several sizes
// and aspect ratios (square sides that the decoder reduces to exactly the thumbnail size, odd widths,
// long strips, images smaller than a thumbnail), the thumbnail has the right size and shows the
// image's pixels, the same on every decode. A thumbnail that viewed freed decoder memory showed
// noise that differed from run to run.

#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "data/dataset.h"
#include "image/decode.h"
#include "image/resize.h"
#include "image_encoders.h"
#include "thumbnail_loader.h"

using sds::widgets::ThumbnailLoader;
namespace img = sds::image;
namespace testimg = sds::testimg;

namespace {

std::string encode(const QString& format, int width, int height) {
  const std::vector<std::uint8_t> pixels = testimg::smooth(width, height, 3);
  if (format == "png") {
    testimg::PngSpec spec;
    spec.width = width, spec.height = height;
    spec.samples.assign(pixels.begin(), pixels.end());
    return testimg::encodePng(spec);
  }
  if (format == "jpg") {
    testimg::JpegSpec spec;
    spec.width = width, spec.height = height, spec.pixels = pixels;
    return testimg::encodeJpeg(spec);
  }
  if (format == "webp") return testimg::encodeWebp(pixels, width, height, 3, /*lossless=*/false, 95);
  testimg::BmpSpec spec;
  spec.width = width, spec.height = height, spec.pixels = pixels;
  return testimg::encodeBmp(spec);
}

// The thumbnail as the loader makes it, waiting for the background decode.
QImage thumbnailOf(ThumbnailLoader& loader, const QString& path) {
  sds::data::ImageRef ref;
  ref.path = path.toStdString();
  const QString key = ThumbnailLoader::keyOf(ref, 1);
  QSignalSpy ready(&loader, &ThumbnailLoader::ready);
  if (const QImage* cached = loader.find(key, ref)) return *cached;
  if (!ready.wait(10000)) return {};
  const QImage* done = loader.find(key, ref);
  return done ? *done : QImage();
}

// Mean absolute difference per channel between a thumbnail and an RGB image of the same size.
double meanDifference(const QImage& thumbnail, const img::Rgb8Image& expected) {
  const QImage rgb = thumbnail.convertToFormat(QImage::Format_RGB888);
  double sum = 0;
  for (int y = 0; y < expected.height; ++y) {
    const uchar* row = rgb.constScanLine(y);
    for (int x = 0; x < expected.width * 3; ++x) sum += std::abs(int(row[x]) - int(expected.row(y)[x]));
  }
  return sum / (double(expected.width) * expected.height * 3);
}

}  // namespace

class TestThumbnails : public QObject {
  Q_OBJECT

 private slots:
  void showTheImage_data() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    for (const char* format : {"png", "jpg", "webp", "bmp"}) {
      // 512² and 1024² reduce to exactly 128² while decoding (the common dataset sizes).
      for (const QSize size : {QSize(512, 512), QSize(1024, 1024), QSize(1000, 600), QSize(601, 1203),
                               QSize(2100, 130), QSize(333, 257), QSize(64, 64), QSize(97, 45)})
        QTest::addRow("%s %dx%d", format, size.width(), size.height()) << format << size.width() << size.height();
    }
  }

  void showTheImage() {
    QFETCH(QString, format);
    QFETCH(int, width);
    QFETCH(int, height);
    QTemporaryDir dir;
    const QString path = dir.filePath("image." + format);
    {
      const std::string bytes = encode(format, width, height);
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(bytes.data(), qint64(bytes.size()));
    }
    // The reference: the full decode, shrunk by the same rule to the thumbnail's size.
    const std::string bytes = encode(format, width, height);
    img::DecodeResult full = img::decodeImage(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), "x");
    QVERIFY(full.ok());
    const QSize size = ThumbnailLoader::thumbnailSize(width, height);
    QCOMPARE(qMax(size.width(), size.height()), ThumbnailLoader::kSize);
    const img::Rgb8Image expected =
        img::resize(full.value().image, size.width(), size.height(),
                    size.width() < width ? img::ResizeFilter::Box : img::ResizeFilter::Triangle);

    // Decoded several times by separate loaders (separate caches): the same picture each time.
    QImage first;
    for (int attempt = 0; attempt < 3; ++attempt) {
      ThumbnailLoader loader;
      const QImage thumbnail = thumbnailOf(loader, path);
      QVERIFY2(!thumbnail.isNull(), "no thumbnail");
      QCOMPARE(thumbnail.size(), size);
      // Reduced decoding (JPEG's DCT scaling, WebP's scaler) differs a little from a full decode.
      const double difference = meanDifference(thumbnail, expected);
      QVERIFY2(difference < 4.0, qPrintable(QString("mean difference %1 from the decoded image").arg(difference)));
      if (attempt == 0)
        first = thumbnail.copy();
      else
        QCOMPARE(thumbnail, first);
    }
  }
};

QTEST_MAIN(TestThumbnails)
#include "test_thumbnails.moc"
