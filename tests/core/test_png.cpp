// PNG writing: text metadata survives, the file is a PNG of the right size, and failures name the
// file and leave nothing behind.

#include <QtTest>

#include <QDir>
#include <QImage>

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
};

QTEST_GUILESS_MAIN(TestPng)
#include "test_png.moc"
