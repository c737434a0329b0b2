// Bad input of every kind a scraped or hand-made dataset holds: each one a failed result with its own
// kind and a reason naming the file, never a crash, an exit() from a codec, or a hang. Also the
// decompression-bomb refusal from the header, and thousands of randomly damaged files.

#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include <sys/stat.h>
#include <unistd.h>

#include "image/decode.h"
#include "image_checks.h"
#include "dataset_files.h"
#include "image_encoders.h"
#include "test_files.h"

using namespace sds::image;
using namespace sds::testimg;

namespace {

void putLe32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}

std::string smallPng() {
  PngSpec spec;
  spec.width = 64;
  spec.height = 64;
  spec.color = PngColor::Rgba;
  for (std::uint8_t v : noise(64, 64, 4, 1)) spec.samples.push_back(v);
  return encodePng(spec);
}

std::string smallJpeg(bool progressive) {
  JpegSpec spec;
  spec.width = spec.height = 64;
  spec.pixels = smooth(64, 64, 3);
  spec.progressive = progressive;
  return encodeJpeg(spec);
}

std::string smallBmp() {
  BmpSpec spec;
  spec.width = spec.height = 64;
  spec.pixels = noise(64, 64, 3, 2);
  return encodeBmp(spec);
}

std::string smallWebp(bool lossless) { return encodeWebp(smooth(64, 64, 4), 64, 64, 4, lossless); }

std::string named(const QString& path) { return path.toStdString(); }

}  // namespace

class TestImageBadInput : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  QString write(const QString& name, const std::string& bytes) {
    const QString path = dir_.filePath(name);
    writeFile(path, QByteArray::fromStdString(bytes));
    return path;
  }

  // Decodes a file and checks the failure's kind, that the message names the file, and that the
  // reason says what `expect` says.
  void expectFailure(const QString& path, DecodeFailure kind, const QString& expect,
                     const DecodeOptions& options = {}) {
    const DecodeResult result = decodeImageFile(named(path), options);
    QVERIFY2(!result.ok(), qPrintable(path + " decoded"));
    const QString message = describe(result);
    QVERIFY2(result.failure() == kind,
             qPrintable(QString("%1: kind '%2', expected '%3'").arg(message, failureName(result.failure()), failureName(kind))));
    QVERIFY2(message.contains(path), qPrintable(message));
    QVERIFY2(message.contains(expect, Qt::CaseInsensitive), qPrintable(message + " (expected: " + expect + ")"));
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void missingEmptyAndNotRegularFiles() {
    expectFailure(dir_.filePath("nothing-here.png"), DecodeFailure::Unreadable, "does not exist");
    expectFailure(write("empty.jpg", ""), DecodeFailure::Empty, "empty (0 bytes)");
    QVERIFY(QDir(dir_.path()).mkdir("folder.png"));
    expectFailure(dir_.filePath("folder.png"), DecodeFailure::Unreadable, "a folder");
    QVERIFY(QFile::link(dir_.filePath("gone.png"), dir_.filePath("link.png")));
    expectFailure(dir_.filePath("link.png"), DecodeFailure::Unreadable, "broken symbolic link");
    // A pipe would block a reader forever; it is refused before it is opened.
    const QString fifo = dir_.filePath("pipe.png");
    QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
    expectFailure(fifo, DecodeFailure::Unreadable, "not a regular file");
    // A symbolic link to a good file is fine.
    QVERIFY(QFile::link(write("real.png", smallPng()), dir_.filePath("alias.png")));
    QVERIFY(decodeImageFile(named(dir_.filePath("alias.png"))).ok());
  }

  void unreadableFile() {
    const QString path = write("secret.png", smallPng());
    QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions()));
    if (::access(path.toLocal8Bit().constData(), R_OK) == 0)
      QSKIP("running with privileges that read any file (root); permission errors cannot be provoked");
    expectFailure(path, DecodeFailure::Unreadable, "permission denied");
  }

  void notImages() {
    expectFailure(write("notes.png", "a cat sitting on a mat, photo, 4k\n"), DecodeFailure::NotAnImage, "text");
    expectFailure(write("utf8.jpg", "caption: ein Kätzchen 🐈\n"), DecodeFailure::NotAnImage, "text");
    expectFailure(write("page.jpg", "<!DOCTYPE html>\n<html><body>403 Forbidden</body></html>\n"),
                  DecodeFailure::NotAnImage, "HTML page");
    expectFailure(write("binary.webp", std::string("\x00\x13\x37\xff\x00\x01garbage\x00", 15)), DecodeFailure::NotAnImage,
                  "no known image format");
    expectFailure(write("archive.png", std::string("PK\x03\x04\x14\x00\x00\x00", 8)), DecodeFailure::NotAnImage, "ZIP");
    expectFailure(write("one-byte.png", "\x89"), DecodeFailure::NotAnImage, "no known image format");
  }

  void otherImageFormatsAreNamed() {
    expectFailure(write("anim.png", std::string("GIF89a\x01\x00\x01\x00\x00\x00\x00", 13)), DecodeFailure::Unsupported,
                  "GIF");
    expectFailure(write("scan.jpg", std::string("II*\x00\x08\x00\x00\x00", 8)), DecodeFailure::Unsupported, "TIFF");
    expectFailure(write("phone.jpg", std::string("\x00\x00\x00\x18" "ftypheic\x00\x00\x00\x00", 16)),
                  DecodeFailure::Unsupported, "HEIF");
    expectFailure(write("new.png", std::string("\x00\x00\x00\x1c" "ftypavif\x00\x00\x00\x00", 16)),
                  DecodeFailure::Unsupported, "AVIF");
  }

  void unsupportedBmpVariants() {
    BmpSpec spec;
    spec.width = spec.height = 4;
    spec.pixels = noise(4, 4, 3, 1);
    spec.bitsPerPixel = 8;
    expectFailure(write("palette.bmp", encodeBmp(spec)), DecodeFailure::Unsupported, "8 bits per pixel");
    spec.bitsPerPixel = 16;
    expectFailure(write("16.bmp", encodeBmp(spec)), DecodeFailure::Unsupported, "16 bits per pixel");
    spec.bitsPerPixel = 1;
    expectFailure(write("mono.bmp", encodeBmp(spec)), DecodeFailure::Unsupported, "1 bits per pixel");
    spec.bitsPerPixel = 24;
    spec.compression = 1;
    expectFailure(write("rle.bmp", encodeBmp(spec)), DecodeFailure::Unsupported, "RLE8");
    std::string os2 = encodeBmp(BmpSpec{4, 4, 24, false, 40, 0, false, noise(4, 4, 3, 1)});
    putLe32(os2, 14, 12);
    expectFailure(write("os2.bmp", os2), DecodeFailure::Unsupported, "OS/2");
  }

  void unsupportedJpegVariants() {
    std::string jpeg = smallJpeg(false);
    const std::size_t sof = jpeg.find("\xFF\xC0");
    jpeg[sof + 4] = '\x0C';  // 12-bit samples
    expectFailure(write("deep.jpg", jpeg), DecodeFailure::Unsupported, "12-bit JPEG");
    jpeg = smallJpeg(false);
    jpeg[sof + 1] = '\xC3';  // SOF3: lossless
    expectFailure(write("lossless.jpg", jpeg), DecodeFailure::Unsupported, "lossless or hierarchical JPEG");
  }

  void animatedWebp() {
    // An extended file whose flags say "animation" (ANIM and one ANMF frame holding a lossless image).
    const std::string still = encodeWebp(noise(4, 4, 3, 1), 4, 4, 3, true);
    std::string frame(16, '\0');  // x, y, width − 1, height − 1, duration, flags
    frame[6] = frame[9] = 3;
    frame += still.substr(12);
    std::string body = "WEBPVP8X";
    body += std::string("\x0a\0\0\0\x02\0\0\0\x03\0\0\x03\0\0", 14);
    body += std::string("ANIM\x06\0\0\0\0\0\0\0\0\0", 14);
    body += "ANMF";
    for (int i = 0; i < 4; ++i) body.push_back(static_cast<char>((frame.size() >> (8 * i)) & 0xff));
    body += frame;
    if (frame.size() % 2) body.push_back('\0');
    std::string file = "RIFF";
    for (int i = 0; i < 4; ++i) file.push_back(static_cast<char>((body.size() >> (8 * i)) & 0xff));
    expectFailure(write("anim.webp", file + body), DecodeFailure::Unsupported, "animated WebP");
  }

  void truncated_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("PNG") << "cut.png" << QByteArray::fromStdString(smallPng());
    QTest::newRow("JPEG baseline") << "cut.jpg" << QByteArray::fromStdString(smallJpeg(false));
    QTest::newRow("JPEG progressive") << "cut-progressive.jpg" << QByteArray::fromStdString(smallJpeg(true));
    QTest::newRow("WebP lossy") << "cut.webp" << QByteArray::fromStdString(smallWebp(false));
    QTest::newRow("WebP lossless") << "cut-lossless.webp" << QByteArray::fromStdString(smallWebp(true));
    QTest::newRow("BMP") << "cut.bmp" << QByteArray::fromStdString(smallBmp());
  }

  void truncated() {
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QVERIFY2(decodeBytes(bytes.toStdString()).ok(), "the whole file decodes");
    for (double keep : {0.3, 0.6, 0.9}) {
      const std::string cut = bytes.left(static_cast<int>(bytes.size() * keep)).toStdString();
      expectFailure(write(name, cut), DecodeFailure::Truncated, "truncated");
    }
    // Cut inside the header, too.
    expectFailure(write(name, bytes.left(20).toStdString()), DecodeFailure::Truncated, "truncated");
  }

  void corrupt() {
    std::string png = smallPng();
    png[png.size() / 2] = static_cast<char>(png[png.size() / 2] ^ 0x55);  // inside IDAT: its CRC no longer matches
    expectFailure(write("crc.png", png), DecodeFailure::Corrupt, "corrupt PNG data");
    std::string noIhdr = smallPng();
    noIhdr[12] = 'X';
    expectFailure(write("no-ihdr.png", noIhdr), DecodeFailure::Corrupt, "IHDR");

    std::string jpeg = smallJpeg(false);
    jpeg[jpeg.find("\xFF\xC0") + 4] = '\x03';  // SOF0: 3-bit samples
    expectFailure(write("precision.jpg", jpeg), DecodeFailure::Corrupt, "corrupt JPEG data (Unsupported JPEG data precision 3)");
    std::string justSoi = std::string("\xFF\xD8\xFF\xD9", 4);  // SOI, EOI: no image
    expectFailure(write("no-image.jpg", justSoi), DecodeFailure::Corrupt, "corrupt JPEG data");

    std::string webp = smallWebp(true);
    webp[20] = '\x00';  // the lossless signature byte
    expectFailure(write("bad.webp", webp), DecodeFailure::Corrupt, "corrupt WebP data");

    std::string bmp = smallBmp();
    putLe32(bmp, 10, 0x7ffffff0);  // pixel data offset past the end
    expectFailure(write("offset.bmp", bmp), DecodeFailure::Corrupt, "offset");
    std::string masks = encodeBmp(BmpSpec{4, 4, 32, false, 124, 3, false, noise(4, 4, 4, 1)});
    putLe32(masks, 54, 0x00ff00ffu);  // a red mask with a gap
    expectFailure(write("masks.bmp", masks), DecodeFailure::Corrupt, "masks");
  }

  void damagedJpegEntropyDataStillDecodes() {
    // Browsers and PIL show such files (libjpeg recovers at the next restart or block); so do we.
    std::string jpeg = smallJpeg(false);
    const std::size_t sos = jpeg.find("\xFF\xDA");
    QVERIFY(sos != std::string::npos);
    // Inside the entropy-coded data, writing no 0xFF and leaving bytes after one alone: no markers appear.
    const std::size_t middle = (sos + jpeg.size()) / 2;
    for (std::size_t i = middle; i < middle + 50; ++i)
      if (jpeg[i - 1] != '\xFF') jpeg[i] = static_cast<char>(i * 7 % 255);
    const DecodeResult result = decodeBytes(jpeg);
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.value().image.width, 64);
  }

  void absurdDimensions() {
    expectFailure(write("zero.png", pngClaiming(0, 10)), DecodeFailure::Corrupt, "impossible dimensions 0 × 10");
    expectFailure(write("huge-side.png", pngClaiming(0x80000000u, 1)), DecodeFailure::Corrupt, "impossible dimensions");
    BmpSpec spec{4, 4, 24, false, 40, 0, false, noise(4, 4, 3, 1)};
    std::string bmp = encodeBmp(spec);
    putLe32(bmp, 18, static_cast<std::uint32_t>(-5));
    expectFailure(write("negative.bmp", bmp), DecodeFailure::Corrupt, "impossible dimensions");
    putLe32(bmp, 18, 4);
    putLe32(bmp, 22, 0x80000000u);  // −2^31 rows, top-down
    expectFailure(write("min-int.bmp", bmp), DecodeFailure::TooLarge, "over the limit");
  }

  void decompressionBombsAreRefusedFromTheHeader() {
    // 100,000 × 100,000 would need 30 GB; only the header is read.
    expectFailure(write("bomb.png", pngClaiming(100000, 100000)), DecodeFailure::TooLarge,
                  "10000000000 pixels is over the limit of 178956970");

    std::string jpeg = smallJpeg(false);
    const std::size_t sof = jpeg.find("\xFF\xC0");
    QVERIFY(sof != std::string::npos);
    jpeg[sof + 5] = jpeg[sof + 7] = '\xEA';  // 60000 × 60000 (0xEA60)
    jpeg[sof + 6] = jpeg[sof + 8] = '\x60';
    expectFailure(write("bomb.jpg", jpeg), DecodeFailure::TooLarge, "60000 × 60000");
    jpeg[sof + 5] = jpeg[sof + 6] = jpeg[sof + 7] = jpeg[sof + 8] = '\xFF';  // past libjpeg's own 65500 limit
    expectFailure(write("bomb2.jpg", jpeg), DecodeFailure::TooLarge, "65500");

    std::string webp = smallWebp(true);  // VP8L: 14-bit (width − 1) and (height − 1) after the signature
    QCOMPARE(webp.substr(12, 4), std::string("VP8L"));
    const std::uint32_t sides = 0x3fffu | (0x3fffu << 14) | (static_cast<std::uint8_t>(webp[24]) & 0xf0u) << 24;
    putLe32(webp, 21, sides);
    expectFailure(write("bomb.webp", webp), DecodeFailure::TooLarge, "16384 × 16384");

    std::string bmp = smallBmp();
    putLe32(bmp, 18, 50000);
    putLe32(bmp, 22, 50000);
    expectFailure(write("bomb.bmp", bmp), DecodeFailure::TooLarge, "over the limit");
  }

  void pixelLimitIsConfigurable() {
    DecodeOptions options;
    options.maxPixels = 4095;  // one less than 64 × 64
    const std::pair<const char*, std::string> files[] = {{"limit.png", smallPng()},
                                                         {"limit.jpg", smallJpeg(true)},
                                                         {"limit.webp", smallWebp(false)},
                                                         {"limit.bmp", smallBmp()}};
    for (const auto& [name, bytes] : files) {
      const QString path = write(name, bytes);
      expectFailure(path, DecodeFailure::TooLarge, "64 × 64 = 4096 pixels is over the limit of 4095", options);
      options.maxPixels = 4096;
      QVERIFY(decodeImageFile(named(path), options).ok());
      options.maxPixels = 4095;
    }
    options = {};
    options.maxFileBytes = 100;
    expectFailure(write("file-limit.png", smallPng()), DecodeFailure::TooLarge, "over the limit of 100", options);
  }

  void tooManyProgressiveScans() {
    JpegSpec spec;
    spec.width = spec.height = 16;
    spec.components = 1;
    spec.pixels = smooth(16, 16, 1);
    spec.manyScans = true;
    expectFailure(write("scans.jpg", encodeJpeg(spec)), DecodeFailure::Corrupt, "more than 500 progressive scans");
  }

  void memoryDecodesNameTheSource() {
    const DecodeResult result = decodeBytes("", {}, "shard-007.tar:0001.jpg");
    QCOMPARE(result.failure(), DecodeFailure::Empty);
    QCOMPARE(result.message(), std::string("cannot decode 'shard-007.tar:0001.jpg': the file is empty (0 bytes)"));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, result.value());
  }

  void randomDamageNeverCrashes() {
    // Deterministic damage: flipped bytes, overwritten runs and cuts, thousands of variants in all.
    const std::string originals[] = {smallPng(), encodePng([] {
                                       PngSpec s;
                                       s.width = 17;
                                       s.height = 9;
                                       s.color = PngColor::Palette;
                                       s.bitDepth = 4;
                                       s.interlaced = true;
                                       for (int i = 0; i < 17 * 9; ++i) s.samples.push_back(static_cast<std::uint16_t>(i % 16));
                                       for (int i = 0; i < 16; ++i) s.palette.push_back({std::uint8_t(i * 16), 0, 0});
                                       s.paletteAlpha = {0, 100};
                                       return s;
                                     }()),
                                     smallJpeg(false), smallJpeg(true), smallWebp(false), smallWebp(true), smallBmp(),
                                     insertApp1(smallJpeg(false), exifApp1(6, true)),
                                     withWebpExif(smallWebp(true), 64, 64, exifApp1(8, false).substr(6))};
    std::uint32_t state = 12345;
    auto next = [&state] {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      return state;
    };
    int decoded = 0, failed = 0;
    for (const std::string& original : originals) {
      for (int round = 0; round < 300; ++round) {
        std::string bytes = original;
        const int edits = 1 + static_cast<int>(next() % 8);
        for (int e = 0; e < edits; ++e) {
          const std::size_t at = next() % bytes.size();
          if (next() % 4 == 0) {
            const std::size_t run = std::min<std::size_t>(bytes.size() - at, next() % 16);
            for (std::size_t i = 0; i < run; ++i) bytes[at + i] = static_cast<char>(next());
          } else {
            bytes[at] = static_cast<char>(bytes[at] ^ (1u << (next() % 8)));
          }
        }
        if (next() % 5 == 0) bytes.resize(1 + next() % bytes.size());
        DecodeOptions options;
        if (round % 3 == 0) options.minWidth = options.minHeight = 9;
        const DecodeResult result = decodeBytes(bytes, options, "fuzz");
        if (result.ok()) {
          ++decoded;
          const Rgb8Image& image = result.value().image;
          QVERIFY(image.width > 0 && image.height > 0);
          QCOMPARE(image.pixels.size(), std::size_t(image.width) * image.height * 3);
        } else {
          ++failed;
          QVERIFY(!result.reason().empty());
        }
      }
    }
    qInfo("damaged files: %d decoded anyway, %d refused with a reason", decoded, failed);
    QVERIFY(failed > 0);
  }
};

QTEST_GUILESS_MAIN(TestImageBadInput)
#include "test_image_bad_input.moc"
