// Resizing, cropping and flipping: sizes, constant images staying constant, antialiasing (a fine
// checkerboard shrinks to grey, not to moiré), exact box averages, crop offsets for a seed, flips.

#include <QtTest>

#include <set>

#include "image/crop.h"
#include "image/resize.h"

using namespace sds::image;

Q_DECLARE_METATYPE(sds::image::ResizeFilter)

namespace {

Rgb8Image filled(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Rgb8Image image(w, h);
  for (std::size_t i = 0; i < image.pixels.size(); i += 3) {
    image.pixels[i] = r;
    image.pixels[i + 1] = g;
    image.pixels[i + 2] = b;
  }
  return image;
}

Rgb8Image checkerboard(int w, int h, int cell) {
  Rgb8Image image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::uint8_t v = ((x / cell + y / cell) % 2) ? 255 : 0;
      std::uint8_t* p = image.at(x, y);
      p[0] = p[1] = p[2] = v;
    }
  return image;
}

// Each pixel a different colour: its coordinates.
Rgb8Image coordinates(int w, int h) {
  Rgb8Image image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = image.at(x, y);
      p[0] = static_cast<std::uint8_t>(x);
      p[1] = static_cast<std::uint8_t>(y);
      p[2] = static_cast<std::uint8_t>(x ^ y);
    }
  return image;
}

}  // namespace

class TestImageResize : public QObject {
  Q_OBJECT

 private slots:
  void constantStaysConstant_data() {
    QTest::addColumn<ResizeFilter>("filter");
    QTest::newRow("box") << ResizeFilter::Box;
    QTest::newRow("triangle") << ResizeFilter::Triangle;
    QTest::newRow("bicubic") << ResizeFilter::Bicubic;
    QTest::newRow("lanczos3") << ResizeFilter::Lanczos3;
  }

  void constantStaysConstant() {
    QFETCH(ResizeFilter, filter);
    const Rgb8Image image = filled(37, 23, 12, 200, 255);
    for (const auto& [w, h] : {std::pair{10, 7}, std::pair{100, 61}, std::pair{37, 5}, std::pair{3, 23}, std::pair{1, 1},
                              std::pair{512, 512}}) {
      const Rgb8Image out = resize(image, w, h, filter);
      QCOMPARE(out.width, w);
      QCOMPARE(out.height, h);
      QCOMPARE(out.pixels, filled(w, h, 12, 200, 255).pixels);
    }
  }

  void downscaleIsAntialiased_data() { constantStaysConstant_data(); }

  void downscaleIsAntialiased() {
    // A one-pixel checkerboard shrunk 4× must become flat grey; sampling without a widened filter
    // would give black, white or moiré.
    QFETCH(ResizeFilter, filter);
    const Rgb8Image out = resize(checkerboard(64, 64, 1), 16, 16, filter);
    for (std::uint8_t v : out.pixels) QVERIFY2(v >= 126 && v <= 129, qPrintable(QString::number(v)));
    // Also for factors that are not whole numbers.
    const Rgb8Image odd = resize(checkerboard(100, 90, 1), 23, 31, filter);
    for (std::uint8_t v : odd.pixels) QVERIFY2(std::abs(int(v) - 128) <= 12, qPrintable(QString::number(v)));
  }

  void boxHalvingIsTheExactMean() {
    Rgb8Image image(4, 2);
    const std::uint8_t values[] = {0, 1, 10, 30, 255, 254, 1, 1};  // one channel's values, repeated per channel
    for (int i = 0; i < 8; ++i) image.pixels[3 * i] = image.pixels[3 * i + 1] = image.pixels[3 * i + 2] = values[i];
    const Rgb8Image out = resize(image, 2, 1, ResizeFilter::Box);
    // (0+1+255+254)/4 = 127.5 → 128; (10+30+1+1)/4 = 10.5 → 11: rounded to nearest, halves up.
    QCOMPARE(out.pixels, (std::vector<std::uint8_t>{128, 128, 128, 11, 11, 11}));
  }

  void upscaleKeepsOrderAndRange() {
    Rgb8Image ramp(8, 1);
    for (int x = 0; x < 8; ++x) ramp.pixels[3 * x] = ramp.pixels[3 * x + 1] = ramp.pixels[3 * x + 2] = static_cast<std::uint8_t>(x * 32);
    for (ResizeFilter filter : {ResizeFilter::Triangle, ResizeFilter::Bicubic, ResizeFilter::Lanczos3}) {
      const Rgb8Image out = resize(ramp, 64, 3, filter);
      QCOMPARE(out.width, 64);
      for (int y = 0; y < 3; ++y)
        for (int x = 1; x < 64; ++x) QVERIFY(out.at(x, y)[0] >= out.at(x - 1, y)[0] - 2);
      QVERIFY(out.at(0, 0)[0] <= 4);
      QVERIFY(out.at(63, 0)[0] >= 220);
    }
    // Lanczos over- and undershoots next to a hard edge; the result is clamped there, never wrapped.
    Rgb8Image edge = filled(16, 1, 0, 0, 0);
    std::fill(edge.pixels.begin() + 8 * 3, edge.pixels.end(), 255);
    const Rgb8Image sharp = resize(edge, 128, 1);
    // Output x covers source (x + 0.5) / 8; the edge is at source 8 (output 64) and the filter reaches
    // 3 source pixels (24 output pixels): untouched beyond, and the negative lobe next to the edge
    // (around 52–59 and 68–75) clamps to 0 and 255 instead of wrapping.
    for (int x : {0, 20, 43, 52, 55, 59}) QVERIFY2(sharp.at(x, 0)[0] == 0, qPrintable(QString::number(x)));
    for (int x : {68, 71, 75, 84, 100, 127}) QVERIFY2(sharp.at(x, 0)[0] == 255, qPrintable(QString::number(x)));
    for (int x = 60; x < 68; ++x) QVERIFY(sharp.at(x, 0)[0] > sharp.at(x - 1, 0)[0]);
  }

  void sameSizeIsACopyAndBadSizesThrow() {
    const Rgb8Image image = coordinates(9, 5);
    QCOMPARE(resize(image, 9, 5).pixels, image.pixels);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, resize(image, 0, 5));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, resize(image, 4, -1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, resize(Rgb8Image(), 4, 4));
  }

  void oneAxisOnly() {
    const Rgb8Image image = coordinates(16, 6);
    const Rgb8Image narrow = resize(image, 8, 6, ResizeFilter::Box);
    QCOMPARE(narrow.height, 6);
    QCOMPARE(int(narrow.at(3, 2)[0]), 7);  // mean of x = 6 and 7, rounded half up
    QCOMPARE(int(narrow.at(3, 2)[1]), 2);
    const Rgb8Image short_ = resize(image, 16, 3, ResizeFilter::Box);
    QCOMPARE(short_.width, 16);
    QCOMPARE(int(short_.at(5, 1)[1]), 3);  // mean of y = 2 and 3
    QCOMPARE(int(short_.at(5, 1)[0]), 5);
  }

  void coverSizes() {
    QCOMPARE(coverSize(1024, 768, 512, 512), (Size{683, 512}));
    QCOMPARE(coverSize(768, 1024, 512, 512), (Size{512, 683}));
    QCOMPARE(coverSize(512, 512, 512, 512), (Size{512, 512}));
    QCOMPARE(coverSize(100, 50, 512, 512), (Size{1024, 512}));
    QCOMPARE(coverSize(1920, 1080, 1024, 576), (Size{1024, 576}));
    QCOMPARE(coverSize(1000, 999, 768, 768), (Size{769, 768}));
    QCOMPARE(coverSize(999, 1000, 768, 768), (Size{768, 769}));
    for (int w : {17, 640, 1023, 4000})
      for (int h : {13, 480, 1000, 3000}) {
        const Size s = coverSize(w, h, 512, 384);
        QVERIFY(s.width >= 512 && s.height >= 384);
        QVERIFY(s.width == 512 || s.height == 384);
      }
  }

  void centerCrops() {
    QCOMPARE(centerCrop(10, 8, 4, 4), (CropRect{3, 2, 4, 4}));
    QCOMPARE(centerCrop(11, 8, 4, 8), (CropRect{3, 0, 4, 8}));  // the odd column is left over on the right
    QCOMPARE(centerCrop(683, 512, 512, 512), (CropRect{85, 0, 512, 512}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, centerCrop(10, 8, 11, 4));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, centerCrop(10, 8, 0, 4));

    const Rgb8Image image = coordinates(10, 8);
    const Rgb8Image cut = crop(image, CropRect{3, 2, 4, 5});
    QCOMPARE(cut.width, 4);
    QCOMPARE(cut.height, 5);
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 4; ++x) {
        QCOMPARE(int(cut.at(x, y)[0]), x + 3);
        QCOMPARE(int(cut.at(x, y)[1]), y + 2);
      }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, crop(image, CropRect{7, 0, 4, 4}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, crop(image, CropRect{-1, 0, 4, 4}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, crop(image, CropRect{0, 5, 4, 4}));
  }

  void randomCropsAreDeterministicAndUniform() {
    QCOMPARE(randomCrop(683, 512, 512, 512, 42), randomCrop(683, 512, 512, 512, 42));
    // Pinned: the same seed gives the same crop on every platform and standard library.
    QCOMPARE(randomCrop(683, 600, 512, 512, 42), (CropRect{127, 14, 512, 512}));
    std::set<int> xs, ys;
    for (std::uint64_t seed = 0; seed < 400; ++seed) {
      const CropRect r = randomCrop(12, 9, 8, 8, seed);
      QVERIFY(r.x >= 0 && r.x <= 4 && r.y >= 0 && r.y <= 1);
      QCOMPARE(r.width, 8);
      xs.insert(r.x);
      ys.insert(r.y);
    }
    QCOMPARE(xs, (std::set<int>{0, 1, 2, 3, 4}));  // every position that fits is drawn
    QCOMPARE(ys, (std::set<int>{0, 1}));
    QCOMPARE(randomCrop(8, 8, 8, 8, 7), (CropRect{0, 0, 8, 8}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, randomCrop(8, 8, 9, 8, 7));
  }

  void horizontalFlip() {
    for (int w : {1, 2, 7, 8}) {
      const Rgb8Image image = coordinates(w, 3);
      Rgb8Image flipped = image;
      flipHorizontal(flipped);
      for (int y = 0; y < 3; ++y)
        for (int x = 0; x < w; ++x)
          QCOMPARE(std::vector<std::uint8_t>(flipped.at(x, y), flipped.at(x, y) + 3),
                   std::vector<std::uint8_t>(image.at(w - 1 - x, y), image.at(w - 1 - x, y) + 3));
      flipHorizontal(flipped);
      QCOMPARE(flipped.pixels, image.pixels);
    }
  }
};

QTEST_GUILESS_MAIN(TestImageResize)
#include "test_image_resize.moc"
