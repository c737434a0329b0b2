// Decoding every format and variant the datasets accept, from files made here with the real
// encoders: exact pixels for lossless formats, a small tolerance for lossy ones, alpha over white,
// EXIF orientation 1–8 in both byte orders, and reduction while decoding.

#include <QtTest>

#include <QTemporaryDir>

#include "image/decode.h"
#include "image/exif.h"
#include "image/resize.h"
#include "image_checks.h"
#include "image_encoders.h"
#include "test_files.h"

using namespace sds::image;
using namespace sds::testimg;

Q_DECLARE_METATYPE(sds::testimg::PngSpec)

namespace {

// Samples for a PNG: every value a bit depth allows shows up (noise), palette indices within the palette.
PngSpec pngSpec(PngColor color, int depth, int width = 13, int height = 7) {
  PngSpec spec;
  spec.width = width;
  spec.height = height;
  spec.color = color;
  spec.bitDepth = depth;
  const int channels = channelsOf(color);
  const std::vector<std::uint8_t> a = noise(width, height, channels, 1), b = noise(width, height, channels, 2);
  const int limit = color == PngColor::Palette ? 1 << std::min(depth, 4) : 1 << depth;
  for (std::size_t i = 0; i < a.size(); ++i)
    spec.samples.push_back(static_cast<std::uint16_t>(((a[i] << 8) | b[i]) % limit));
  if (color == PngColor::Palette)
    for (int i = 0; i < limit; ++i)
      spec.palette.push_back({std::uint8_t(17 * i), std::uint8_t(255 - 9 * i), std::uint8_t(i * i % 256)});
  return spec;
}

std::uint8_t to8(std::uint16_t v, int depth) {
  if (depth == 16) return static_cast<std::uint8_t>((v * 255u + 32767u) / 65535u);
  return static_cast<std::uint8_t>(v * 255u / ((1u << depth) - 1u));  // bit replication is exact
}

// The RGB a correct decoder gives for a PNG spec, computed from the samples independently of it.
std::vector<std::uint8_t> pngExpected(const PngSpec& spec) {
  const int channels = channelsOf(spec.color);
  std::vector<std::uint8_t> rgba;
  for (std::size_t i = 0; i < spec.samples.size(); i += channels) {
    const std::uint16_t* s = spec.samples.data() + i;
    std::uint8_t r, g, b, a = 255;
    switch (spec.color) {
      case PngColor::Palette: {
        const auto& c = spec.palette[s[0]];
        r = c[0], g = c[1], b = c[2];
        if (s[0] < spec.paletteAlpha.size()) a = spec.paletteAlpha[s[0]];
        break;
      }
      case PngColor::Gray: case PngColor::GrayAlpha:
        r = g = b = to8(s[0], spec.bitDepth);
        if (spec.color == PngColor::GrayAlpha) a = to8(s[1], spec.bitDepth);
        if (spec.colorKey && s[0] == spec.key[0]) a = 0;
        break;
      default:
        r = to8(s[0], spec.bitDepth), g = to8(s[1], spec.bitDepth), b = to8(s[2], spec.bitDepth);
        if (spec.color == PngColor::Rgba) a = to8(s[3], spec.bitDepth);
        if (spec.colorKey && s[0] == spec.key[0] && s[1] == spec.key[1] && s[2] == spec.key[2]) a = 0;
    }
    rgba.insert(rgba.end(), {r, g, b, a});
  }
  return expectedRgb(rgba, 4);
}

// A 64 × 32 picture, grey, with a red block at its top-left and a green one at its top-right.
std::vector<std::uint8_t> cornerPicture(int w, int h) {
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * h * 3, 128);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) {
      std::uint8_t* red = rgb.data() + (static_cast<std::size_t>(y) * w + x) * 3;
      std::uint8_t* green = rgb.data() + (static_cast<std::size_t>(y) * w + (w - 16 + x)) * 3;
      red[0] = 230, red[1] = 20, red[2] = 20;
      green[0] = 20, green[1] = 200, green[2] = 20;
    }
  return rgb;
}

enum Corner { TL, TR, BL, BR };

// The colour in the middle of an 8 × 8 patch at a corner (at the given scale of 16-pixel blocks).
const std::uint8_t* cornerPixel(const Rgb8Image& image, Corner corner, int block) {
  const int x = corner == TL || corner == BL ? block / 2 : image.width - 1 - block / 2;
  const int y = corner == TL || corner == TR ? block / 2 : image.height - 1 - block / 2;
  return image.at(x, y);
}

bool isRed(const std::uint8_t* p) { return p[0] > 180 && p[1] < 70 && p[2] < 70; }
bool isGreen(const std::uint8_t* p) { return p[0] < 70 && p[1] > 150 && p[2] < 70; }

}  // namespace

class TestImageDecode : public QObject {
  Q_OBJECT

 private slots:
  void sniffsByContent() {
    const std::string png = encodePng(pngSpec(PngColor::Rgb, 8));
    const auto* p = reinterpret_cast<const std::uint8_t*>(png.data());
    QCOMPARE(sniffFormat(p, png.size()), ImageFormat::Png);
    const std::string jpeg = encodeJpeg({8, 8, 1, std::vector<std::uint8_t>(64, 9)});
    QCOMPARE(sniffFormat(reinterpret_cast<const std::uint8_t*>(jpeg.data()), jpeg.size()), ImageFormat::Jpeg);
    const std::string webp = encodeWebp(noise(4, 4, 3, 1), 4, 4, 3, true);
    QCOMPARE(sniffFormat(reinterpret_cast<const std::uint8_t*>(webp.data()), webp.size()), ImageFormat::Webp);
    BmpSpec bmp;
    bmp.width = bmp.height = 2;
    bmp.pixels = noise(2, 2, 3, 1);
    const std::string b = encodeBmp(bmp);
    QCOMPARE(sniffFormat(reinterpret_cast<const std::uint8_t*>(b.data()), b.size()), ImageFormat::Bmp);
    const std::string text = "BMW 320i, blue";  // "BM" alone is not a BMP
    QCOMPARE(sniffFormat(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), ImageFormat::Unknown);
  }

  void png_data() {
    QTest::addColumn<PngSpec>("spec");
    QTest::newRow("grey 1-bit") << pngSpec(PngColor::Gray, 1);
    QTest::newRow("grey 2-bit") << pngSpec(PngColor::Gray, 2);
    QTest::newRow("grey 4-bit") << pngSpec(PngColor::Gray, 4);
    QTest::newRow("grey 8-bit") << pngSpec(PngColor::Gray, 8);
    QTest::newRow("grey 16-bit") << pngSpec(PngColor::Gray, 16);
    QTest::newRow("grey+alpha 8-bit") << pngSpec(PngColor::GrayAlpha, 8);
    QTest::newRow("grey+alpha 16-bit") << pngSpec(PngColor::GrayAlpha, 16);
    QTest::newRow("RGB 8-bit") << pngSpec(PngColor::Rgb, 8);
    QTest::newRow("RGB 16-bit") << pngSpec(PngColor::Rgb, 16);
    QTest::newRow("RGBA 8-bit") << pngSpec(PngColor::Rgba, 8);
    QTest::newRow("RGBA 16-bit") << pngSpec(PngColor::Rgba, 16);
    QTest::newRow("palette 8-bit") << pngSpec(PngColor::Palette, 8);
    QTest::newRow("palette 4-bit") << pngSpec(PngColor::Palette, 4);
    QTest::newRow("palette 1-bit") << pngSpec(PngColor::Palette, 1);
    PngSpec paletteAlpha = pngSpec(PngColor::Palette, 8);
    paletteAlpha.paletteAlpha = {0, 64, 128, 200, 255, 10};  // shorter than the palette: the rest opaque
    QTest::newRow("palette + tRNS") << paletteAlpha;
    PngSpec greyKey = pngSpec(PngColor::Gray, 4);
    greyKey.colorKey = true;
    greyKey.key = {greyKey.samples[0], 0, 0};
    QTest::newRow("grey 4-bit + tRNS key") << greyKey;
    PngSpec rgbKey = pngSpec(PngColor::Rgb, 8, 5, 3);
    rgbKey.colorKey = true;
    rgbKey.key = {rgbKey.samples[3], rgbKey.samples[4], rgbKey.samples[5]};
    QTest::newRow("RGB 8-bit + tRNS key") << rgbKey;
    PngSpec rgb16Key = pngSpec(PngColor::Rgb, 16, 5, 3);
    rgb16Key.colorKey = true;
    rgb16Key.key = {rgb16Key.samples[0], rgb16Key.samples[1], rgb16Key.samples[2]};
    QTest::newRow("RGB 16-bit + tRNS key") << rgb16Key;
    PngSpec interlaced = pngSpec(PngColor::Rgb, 8, 21, 17);
    interlaced.interlaced = true;
    QTest::newRow("RGB 8-bit interlaced") << interlaced;
    PngSpec interlacedAlpha = pngSpec(PngColor::Rgba, 16, 19, 11);
    interlacedAlpha.interlaced = true;
    QTest::newRow("RGBA 16-bit interlaced") << interlacedAlpha;
    PngSpec interlacedPalette = paletteAlpha;
    interlacedPalette.interlaced = true;
    QTest::newRow("palette + tRNS interlaced") << interlacedPalette;
  }

  void png() {
    QFETCH(PngSpec, spec);
    const DecodeResult result = decodeBytes(encodePng(spec));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    const DecodedImage& d = result.value();
    QCOMPARE(d.format, ImageFormat::Png);
    QCOMPARE(d.image.width, spec.width);
    QCOMPARE(d.image.height, spec.height);
    QCOMPARE(d.originalWidth, spec.width);
    QCOMPARE(d.originalHeight, spec.height);
    QCOMPARE(maxDiff(d.image, pngExpected(spec)), 0);
  }

  void alphaIsCompositedOnWhite() {
    PngSpec spec;
    spec.width = 4;
    spec.height = 1;
    spec.color = PngColor::Rgba;
    spec.samples = {0, 0, 0, 0, 255, 0, 0, 128, 10, 20, 30, 255, 0, 0, 255, 1};
    const DecodeResult result = decodeBytes(encodePng(spec));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    const std::vector<std::uint8_t> want{255, 255, 255, 255, 127, 127, 10, 20, 30, 254, 254, 255};
    QCOMPARE(result.value().image.pixels, want);
  }

  void pngReducedWhileDecoding() {
    PngSpec spec = pngSpec(PngColor::Rgb, 8, 40, 30);
    DecodeOptions options;
    options.minWidth = options.minHeight = 10;
    const DecodeResult result = decodeBytes(encodePng(spec), options);
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    const DecodedImage& d = result.value();
    // The largest whole factor that keeps both sides ≥ 10 is 3: ceil(40/3) × ceil(30/3).
    QCOMPARE(d.image.width, 14);
    QCOMPARE(d.image.height, 10);
    QCOMPARE(d.originalWidth, 40);
    QCOMPARE(d.originalHeight, 30);
    // Each pixel is the rounded mean of its 3 × 3 block (the last column of blocks is 1 wide).
    const std::vector<std::uint8_t> full = pngExpected(spec);
    for (const auto& [ox, oy] : {std::pair{0, 0}, std::pair{5, 7}, std::pair{13, 9}}) {
      for (int c = 0; c < 3; ++c) {
        int sum = 0, n = 0;
        for (int y = oy * 3; y < std::min(30, oy * 3 + 3); ++y)
          for (int x = ox * 3; x < std::min(40, ox * 3 + 3); ++x, ++n) sum += full[(y * 40 + x) * 3 + c];
        QCOMPARE(int(d.image.at(ox, oy)[c]), (sum + n / 2) / n);
      }
    }
    // Interlaced files are decoded whole, then reduced the same way.
    spec.interlaced = true;
    const DecodeResult interlaced = decodeBytes(encodePng(spec), options);
    QVERIFY2(interlaced.ok(), qPrintable(describe(interlaced)));
    QCOMPARE(interlaced.value().image.pixels, d.image.pixels);
  }

  void hugeReductionFactors() {
    // 4200 × 4200 averaged into one pixel: sums past 2^32 must not wrap.
    PngSpec spec;
    spec.width = spec.height = 4200;
    spec.color = PngColor::Gray;
    spec.samples.assign(std::size_t(4200) * 4200, 250);
    DecodeOptions options;
    options.minWidth = options.minHeight = 1;
    const DecodeResult result = decodeBytes(encodePng(spec), options);
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.value().image.width, 1);
    QCOMPARE(result.value().image.pixels, (std::vector<std::uint8_t>{250, 250, 250}));
  }

  void jpeg_data() {
    QTest::addColumn<int>("components");
    QTest::addColumn<bool>("progressive");
    QTest::addColumn<bool>("subsample");
    QTest::addColumn<double>("meanTolerance");
    QTest::newRow("baseline 4:4:4") << 3 << false << false << 1.5;
    QTest::newRow("baseline 4:2:0") << 3 << false << true << 2.5;
    QTest::newRow("progressive 4:4:4") << 3 << true << false << 1.5;
    QTest::newRow("progressive 4:2:0") << 3 << true << true << 2.5;
    QTest::newRow("greyscale") << 1 << false << false << 1.0;
    QTest::newRow("greyscale progressive") << 1 << true << false << 1.0;
  }

  void jpeg() {
    QFETCH(int, components);
    QFETCH(bool, progressive);
    QFETCH(bool, subsample);
    QFETCH(double, meanTolerance);
    JpegSpec spec;
    spec.width = 64;
    spec.height = 48;
    spec.components = components;
    spec.pixels = smooth(spec.width, spec.height, components);
    spec.progressive = progressive;
    spec.subsample = subsample;
    const DecodeResult result = decodeBytes(encodeJpeg(spec));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    const DecodedImage& d = result.value();
    QCOMPARE(d.format, ImageFormat::Jpeg);
    QCOMPARE(d.image.width, 64);
    QCOMPARE(d.image.height, 48);
    const std::vector<std::uint8_t> want = expectedRgb(spec.pixels, components);
    QVERIFY2(meanDiff(d.image, want) < meanTolerance, qPrintable(QString::number(meanDiff(d.image, want))));
    // The flat blocks come back flat, within a few levels.
    const std::uint8_t* block = d.image.at(24, 24);
    const std::size_t i = (24 * 64 + 24) * 3;
    for (int c = 0; c < 3; ++c) QVERIFY(std::abs(int(block[c]) - int(want[i + c])) <= 4);
    if (components == 1) QVERIFY(block[0] == block[1] && block[1] == block[2]);
  }

  void cmyk_data() {
    QTest::addColumn<bool>("ycck");
    QTest::addColumn<bool>("adobe");
    QTest::newRow("Adobe CMYK (inverted, as Photoshop writes it)") << false << true;
    QTest::newRow("Adobe YCCK") << true << true;
    QTest::newRow("plain CMYK without the Adobe marker") << false << false;
  }

  void cmyk() {
    QFETCH(bool, ycck);
    QFETCH(bool, adobe);
    JpegSpec spec;
    spec.width = 48;
    spec.height = 32;
    spec.components = 4;
    spec.pixels = smooth(spec.width, spec.height, 4);  // the bytes as stored in the file
    spec.ycck = ycck;
    spec.adobeMarker = adobe;
    const DecodeResult result = decodeBytes(encodeJpeg(spec));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    // Inverted (Adobe) bytes are 255 − ink: R = C'·K'/255. Plain ones are ink: R = (255−C)(255−K)/255.
    std::vector<std::uint8_t> want;
    for (std::size_t i = 0; i < spec.pixels.size(); i += 4) {
      const auto v = [&](int c) { return adobe ? unsigned(spec.pixels[i + c]) : 255u - spec.pixels[i + c]; };
      for (int c = 0; c < 3; ++c) want.push_back(static_cast<std::uint8_t>((v(c) * v(3) + 127) / 255));
    }
    QVERIFY2(meanDiff(result.value().image, want) < 2.0, qPrintable(QString::number(meanDiff(result.value().image, want))));
  }

  void exifOrientation_data() {
    QTest::addColumn<int>("orientation");
    QTest::addColumn<bool>("bigEndian");
    QTest::addColumn<int>("red");
    QTest::addColumn<int>("green");
    // Where the stored top-left (red) and top-right (green) blocks belong in the upright picture.
    const int want[9][2] = {{}, {TL, TR}, {TR, TL}, {BR, BL}, {BL, BR}, {TL, BL}, {TR, BR}, {BR, TR}, {BL, TL}};
    for (int o = 1; o <= 8; ++o)
      for (bool big : {false, true})
        QTest::addRow("orientation %d, %s", o, big ? "big-endian (MM)" : "little-endian (II)")
            << o << big << want[o][0] << want[o][1];
  }

  void exifOrientation() {
    QFETCH(int, orientation);
    QFETCH(bool, bigEndian);
    QFETCH(int, red);
    QFETCH(int, green);
    JpegSpec spec;
    spec.width = 64;
    spec.height = 32;
    spec.pixels = cornerPicture(64, 32);
    const std::string jpeg = insertApp1(encodeJpeg(spec), exifApp1(orientation, bigEndian));
    const bool turned = orientation >= 5;

    const DecodeResult result = decodeBytes(jpeg);
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    const DecodedImage& d = result.value();
    QCOMPARE(d.orientation, orientation);
    QCOMPARE(d.image.width, turned ? 32 : 64);
    QCOMPARE(d.image.height, turned ? 64 : 32);
    QCOMPARE(d.originalWidth, d.image.width);
    QCOMPARE(d.originalHeight, d.image.height);
    QVERIFY(isRed(cornerPixel(d.image, Corner(red), 16)));
    QVERIFY(isGreen(cornerPixel(d.image, Corner(green), 16)));

    // The minimum size is meant upright: 16 × 16 upright is reached by DCT scaling to 1/2.
    DecodeOptions options;
    options.minWidth = 16;
    options.minHeight = 16;
    const DecodeResult small = decodeBytes(jpeg, options);
    QVERIFY2(small.ok(), qPrintable(describe(small)));
    QCOMPARE(small.value().image.width, turned ? 16 : 32);
    QCOMPARE(small.value().image.height, turned ? 32 : 16);
    QCOMPARE(small.value().originalWidth, turned ? 32 : 64);
    QVERIFY(isRed(cornerPixel(small.value().image, Corner(red), 8)));
    QVERIFY(isGreen(cornerPixel(small.value().image, Corner(green), 8)));
  }

  void exifOrientationInPngAndWebp() {
    // The same corners as for JPEG, from a PNG eXIf chunk and a WebP EXIF chunk (exact pixels).
    const int want[9][2] = {{}, {TL, TR}, {TR, TL}, {BR, BL}, {BL, BR}, {TL, BL}, {TR, BR}, {BR, TR}, {BL, TL}};
    const std::vector<std::uint8_t> rgb = cornerPicture(64, 32);
    for (int o = 1; o <= 8; ++o) {
      const std::string tiff = exifApp1(o, o % 2 == 0).substr(6);
      PngSpec png;
      png.width = 64;
      png.height = 32;
      png.samples.assign(rgb.begin(), rgb.end());
      png.exif = tiff;
      const std::string webp = withWebpExif(encodeWebp(rgb, 64, 32, 3, true), 64, 32, tiff);
      // WebP writers differ on the "Exif\0\0" prefix; both forms are read.
      const std::string prefixed = withWebpExif(encodeWebp(rgb, 64, 32, 3, true), 64, 32, exifApp1(o, false));
      for (const std::string& bytes : {encodePng(png), webp, prefixed}) {
        const DecodeResult result = decodeBytes(bytes);
        QVERIFY2(result.ok(), qPrintable(describe(result)));
        const DecodedImage& d = result.value();
        QCOMPARE(d.orientation, o);
        QCOMPARE(d.image.width, o >= 5 ? 32 : 64);
        QCOMPARE(d.originalWidth, d.image.width);
        QVERIFY2(isRed(cornerPixel(d.image, Corner(want[o][0]), 16)), formatName(d.format));
        QVERIFY2(isGreen(cornerPixel(d.image, Corner(want[o][1]), 16)), formatName(d.format));
      }
    }
  }

  void exifParserIsDefensive() {
    const std::string good = exifApp1(6, true);
    const auto* p = reinterpret_cast<const std::uint8_t*>(good.data());
    QCOMPARE(exifOrientationFromApp1(p, good.size()), 6);
    QCOMPARE(sds::image::exifOrientation(p + 6, good.size() - 6), 6);
    // Every truncation of a valid block reads as "no orientation" or the right one, never past the end.
    for (std::size_t n = 0; n < good.size(); ++n) {
      std::vector<std::uint8_t> cut(good.begin(), good.begin() + n);
      const int o = exifOrientationFromApp1(cut.data(), cut.size());
      QVERIFY(o == 1 || o == 6);
    }
    std::string bad = good;
    bad[6 + 4] = '\x7f';  // IFD0 offset far outside the block
    QCOMPARE(exifOrientationFromApp1(reinterpret_cast<const std::uint8_t*>(bad.data()), bad.size()), 1);
    bad = exifApp1(9, false);  // out of range
    QCOMPARE(exifOrientationFromApp1(reinterpret_cast<const std::uint8_t*>(bad.data()), bad.size()), 1);
    bad = std::string("Exif\0\0XX*\0\0\0\0\x08\0\0", 14);  // neither byte order
    QCOMPARE(exifOrientationFromApp1(reinterpret_cast<const std::uint8_t*>(bad.data()), bad.size()), 1);
    QCOMPARE(exifOrientationFromApp1(nullptr, 0), 1);
  }

  void jpegScaledWhileDecoding() {
    JpegSpec spec;
    spec.width = 256;
    spec.height = 128;
    spec.pixels = std::vector<std::uint8_t>(256 * 128 * 3, 0);
    for (std::size_t i = 0; i < spec.pixels.size(); i += 3) spec.pixels[i] = 200, spec.pixels[i + 1] = 100, spec.pixels[i + 2] = 50;
    const std::string jpeg = encodeJpeg(spec);
    struct Case { int minW, minH, width, height; };
    // 2/8 is the smallest DCT scale with width ≥ 60 → 64 × 32; 1/8 gives 32 × 16, and for 10 × 5 a
    // further whole-factor reduction by 3 follows → 11 × 6.
    for (const Case c : {Case{60, 20, 64, 32}, Case{20, 10, 32, 16}, Case{10, 5, 11, 6}, Case{256, 128, 256, 128},
                         Case{0, 0, 256, 128}, Case{1000, 1000, 256, 128}}) {
      DecodeOptions options;
      options.minWidth = c.minW;
      options.minHeight = c.minH;
      const DecodeResult result = decodeBytes(jpeg, options);
      QVERIFY2(result.ok(), qPrintable(describe(result)));
      QCOMPARE(result.value().image.width, c.width);
      QCOMPARE(result.value().image.height, c.height);
      QCOMPARE(result.value().originalWidth, 256);
      const std::uint8_t* p = result.value().image.at(c.width / 2, c.height / 2);
      QVERIFY(std::abs(p[0] - 200) <= 3 && std::abs(p[1] - 100) <= 3 && std::abs(p[2] - 50) <= 3);
    }
  }

  void webp_data() {
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("lossless");
    QTest::newRow("lossy") << 3 << false;
    QTest::newRow("lossless") << 3 << true;
    QTest::newRow("lossy + alpha") << 4 << false;
    QTest::newRow("lossless + alpha") << 4 << true;
  }

  void webp() {
    QFETCH(int, channels);
    QFETCH(bool, lossless);
    const int w = 48, h = 32;
    std::vector<std::uint8_t> pixels = lossless ? noise(w, h, channels, 7) : smooth(w, h, channels);
    if (channels == 4)  // alpha: a left-to-right ramp and a fully transparent corner
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) pixels[(y * w + x) * 4 + 3] = x < 8 && y < 8 ? 0 : static_cast<std::uint8_t>(255 * x / (w - 1));
    const DecodeResult result = decodeBytes(encodeWebp(pixels, w, h, channels, lossless, 95));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    const DecodedImage& d = result.value();
    QCOMPARE(d.format, ImageFormat::Webp);
    QCOMPARE(d.image.width, w);
    QCOMPARE(d.image.height, h);
    const std::vector<std::uint8_t> want = expectedRgb(pixels, channels);
    if (lossless)
      QCOMPARE(maxDiff(d.image, want), 0);
    else
      QVERIFY2(meanDiff(d.image, want) < 4.0, qPrintable(QString::number(meanDiff(d.image, want))));  // 4:2:0 chroma
    if (channels == 4) QCOMPARE(std::vector<std::uint8_t>(d.image.at(2, 2), d.image.at(2, 2) + 3), (std::vector<std::uint8_t>{255, 255, 255}));
  }

  void webpScaledWhileDecoding() {
    const int w = 200, h = 100;
    const std::vector<std::uint8_t> flat(static_cast<std::size_t>(w) * h * 3, 77);
    DecodeOptions options;
    options.minWidth = options.minHeight = 50;
    const DecodeResult result = decodeBytes(encodeWebp(flat, w, h, 3, true), options);
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.value().image.width, 100);  // the height binds: 50, and the width keeps the aspect
    QCOMPARE(result.value().image.height, 50);
    QCOMPARE(result.value().originalWidth, 200);
    QCOMPARE(maxDiff(result.value().image, std::vector<std::uint8_t>(100 * 50 * 3, 77)), 0);
  }

  void bmp() {
    struct Case {
      const char* name;
      int bits;
      bool topDown;
      int header;
      std::uint32_t compression;
      bool alphaMask;
      int channels;
      bool alphaCounts;
    };
    // Width 7: rows are padded to 4 bytes.
    const Case cases[] = {
        {"24-bit bottom-up", 24, false, 40, 0, false, 3, false},
        {"24-bit top-down", 24, true, 40, 0, false, 3, false},
        {"24-bit V5 header", 24, false, 124, 0, false, 3, false},
        {"32-bit BI_RGB (fourth byte unused)", 32, false, 40, 0, false, 4, false},
        {"32-bit BI_RGB top-down", 32, true, 40, 0, false, 4, false},
        {"32-bit BI_BITFIELDS, masks after the header", 32, false, 40, 3, false, 4, false},
        {"32-bit V4 with an alpha mask", 32, false, 108, 3, true, 4, true},
        {"32-bit V5 with an alpha mask, top-down", 32, true, 124, 3, true, 4, true},
    };
    for (const Case& c : cases) {
      BmpSpec spec;
      spec.width = 7;
      spec.height = 5;
      spec.bitsPerPixel = c.bits;
      spec.topDown = c.topDown;
      spec.headerSize = c.header;
      spec.compression = c.compression;
      spec.alphaMask = c.alphaMask;
      spec.pixels = noise(7, 5, c.channels, 3);
      const DecodeResult result = decodeBytes(encodeBmp(spec));
      QVERIFY2(result.ok(), qPrintable(QString(c.name) + ": " + describe(result)));
      QCOMPARE(result.value().format, ImageFormat::Bmp);
      QCOMPARE(result.value().image.width, 7);
      QCOMPARE(result.value().image.height, 5);
      std::vector<std::uint8_t> want = spec.pixels;
      if (c.channels == 4 && !c.alphaCounts)
        for (std::size_t i = 3; i < want.size(); i += 4) want[i] = 255;
      QVERIFY2(maxDiff(result.value().image, expectedRgb(want, c.channels)) == 0, c.name);
    }
  }

  void bmpWithZeroAlphaEverywhereIsOpaque() {
    // Many writers leave the alpha byte 0 even with an alpha mask; that picture is not invisible.
    BmpSpec spec;
    spec.width = 3;
    spec.height = 2;
    spec.bitsPerPixel = 32;
    spec.headerSize = 124;
    spec.compression = 3;
    spec.alphaMask = true;
    spec.pixels = noise(3, 2, 4, 5);
    for (std::size_t i = 3; i < spec.pixels.size(); i += 4) spec.pixels[i] = 0;
    const DecodeResult result = decodeBytes(encodeBmp(spec));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    for (std::size_t i = 3; i < spec.pixels.size(); i += 4) spec.pixels[i] = 255;
    QCOMPARE(maxDiff(result.value().image, expectedRgb(spec.pixels, 4)), 0);
  }

  void reducedDecodingMatchesFullDecodingResized() {
    // Reducing on the way (DCT scaling, libwebp's scaler, row averaging) is a speed-up, not a
    // different picture: after the final resize both paths agree closely.
    const int w = 256, h = 192;
    const std::vector<std::uint8_t> rgb = smooth(w, h, 3);
    PngSpec png;
    png.width = w;
    png.height = h;
    png.samples.assign(rgb.begin(), rgb.end());
    JpegSpec jpeg;
    jpeg.width = w;
    jpeg.height = h;
    jpeg.pixels = rgb;
    BmpSpec bmp;
    bmp.width = w;
    bmp.height = h;
    bmp.pixels = rgb;
    const std::pair<const char*, std::string> files[] = {{"PNG", encodePng(png)},
                                                         {"JPEG", encodeJpeg(jpeg)},
                                                         {"WebP", encodeWebp(rgb, w, h, 3, true)},
                                                         {"BMP", encodeBmp(bmp)}};
    DecodeOptions reduce;
    reduce.minWidth = 40;
    reduce.minHeight = 30;
    for (const auto& [name, bytes] : files) {
      const DecodeResult full = decodeBytes(bytes), reduced = decodeBytes(bytes, reduce);
      QVERIFY2(full.ok() && reduced.ok(), name);
      QVERIFY2(reduced.value().image.width < w && reduced.value().image.width >= 40, name);
      QVERIFY2(reduced.value().image.height >= 30, name);
      const Rgb8Image a = resize(full.value().image, 40, 30), b = resize(reduced.value().image, 40, 30);
      const double diff = meanDiff(a, b.pixels);
      QVERIFY2(diff < 2.0, qPrintable(QString("%1: mean difference %2").arg(name).arg(diff)));
    }
  }

  void filesAreReadByContentNotExtension() {
    QTemporaryDir dir;
    const std::string png = encodePng(pngSpec(PngColor::Rgb, 8));
    const QString asJpg = dir.filePath("holiday.JPG");
    writeFile(asJpg, QByteArray::fromStdString(png));
    const DecodeResult result = decodeImageFile(asJpg.toStdString());
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.value().format, ImageFormat::Png);
    QCOMPARE(maxDiff(result.value().image, pngExpected(pngSpec(PngColor::Rgb, 8))), 0);

    const std::vector<std::uint8_t> rgb = noise(9, 4, 3, 8);
    const QString asPng = dir.filePath("cat.png");
    writeFile(asPng, QByteArray::fromStdString(encodeWebp(rgb, 9, 4, 3, true)));
    const DecodeResult webp = decodeImageFile(asPng.toStdString());
    QVERIFY2(webp.ok(), qPrintable(describe(webp)));
    QCOMPARE(webp.value().format, ImageFormat::Webp);
    QCOMPARE(maxDiff(webp.value().image, rgb), 0);
  }
};

QTEST_GUILESS_MAIN(TestImageDecode)
#include "test_image_decode.moc"
