// PNG writing: text metadata survives, the file is a PNG of the right size, and failures name the
// file and leave nothing behind. Images tiled into one (the demo's progress grid).

#include <QtTest>

#include <QDir>
#include <QImage>

#include "image/image_grid.h"
#include "image/png_writer.h"

using sds::image::Rgb8Image;

class TestPng : public QObject {
  Q_OBJECT

 private slots:
  void pixelsAndTextRoundTrip() {
    QTemporaryDir dir;
    const std::string file = dir.filePath("sample.png").toStdString();
    Rgb8Image image;
    image.width = 3;
    image.height = 2;
    for (int i = 0; i < 6; ++i) image.pixels.insert(image.pixels.end(), {std::uint8_t(40 * i), 200, std::uint8_t(255 - i)});
    const std::map<std::string, std::string> text{{"prompt", "a red circle on a blue background, ünïcödé"},
                                                  {"seed", "1234"}, {"step", "500"}};
    sds::image::writePng(file, image, text);
    QCOMPARE(sds::image::readPngText(file), text);
    // An independent decoder reads the same pixels.
    const QImage decoded(QString::fromStdString(file));
    QCOMPARE(decoded.size(), QSize(3, 2));
    QCOMPARE(decoded.pixel(2, 1), qRgb(40 * 5, 200, 250));
    QCOMPARE(decoded.pixel(0, 0), qRgb(0, 200, 255));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"sample.png"});
  }

  void failuresNameTheFile() {
    Rgb8Image wrong;
    wrong.width = 2;
    wrong.height = 2;
    wrong.pixels.resize(5);
    try {
      sds::image::writePng("/nonexistent-folder/x.png", wrong);
      QFAIL("no error");
    } catch (const std::runtime_error& e) {
      QVERIFY2(QString(e.what()).contains("/nonexistent-folder/x.png"), e.what());
    }
    QTemporaryDir dir;
    const QString notPng = dir.filePath("text.png");
    QFile f(notPng);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not a png at all");
    f.close();
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, sds::image::readPngText(notPng.toStdString()));
  }

  // Rows of unequal length, an empty cell and a smaller image: cells as large as the largest image
  // times the scale, gaps in the background grey, each image's pixels repeated scale × scale times.
  void tilesImagesIntoCells() {
    const auto plain = [](int w, int h, std::uint8_t r) {
      Rgb8Image img(w, h);
      for (std::size_t i = 0; i < img.pixels.size(); i += 3) img.pixels[i] = r, img.pixels[i + 1] = 1, img.pixels[i + 2] = 2;
      return img;
    };
    Rgb8Image two = plain(2, 2, 100);
    two.at(1, 0)[0] = 200;
    const Rgb8Image tiled = sds::image::tileImages({{two, plain(1, 1, 50)}, {Rgb8Image{}}}, 2, 1);
    QCOMPARE(tiled.width, 1 + 2 * (4 + 1));
    QCOMPARE(tiled.height, 1 + 2 * (4 + 1));
    QCOMPARE(int(tiled.at(0, 0)[0]), 40);                                // gap
    QCOMPARE(int(tiled.at(1, 1)[0]), 100);                               // first image, pixel (0, 0)
    QCOMPARE(int(tiled.at(3, 2)[0]), 200);                               // its pixel (1, 0), enlarged
    QCOMPARE(int(tiled.at(4, 2)[0]), 200);
    QCOMPARE(int(tiled.at(6, 1)[0]), 50);                                // second image
    QCOMPARE(int(tiled.at(8, 1)[0]), 40);                                // beyond the 1×1 image: blank
    QCOMPARE(int(tiled.at(1, 6)[0]), 40);                                // the empty cell
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sds::image::tileImages({{Rgb8Image{}}}, 1, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sds::image::tileImages({{two}}, 0, 0));
  }
};

QTEST_GUILESS_MAIN(TestPng)
#include "test_png.moc"
