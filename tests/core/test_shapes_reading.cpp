// The demo's judge: reading the object colour, background colour and shape back from an image. On the
// generator's own images it must be right every time, also when they are blurred and noisy as a young
// model's samples are, so that a failing demo check means the model, not the judge.

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

#include "data/shapes_dataset.h"
#include "data/shapes_reading.h"
#include "image/decode.h"

using namespace sds;

namespace {

// A 5×5 box blur and Gaussian noise of the given strength (8-bit levels).
image::Rgb8Image degrade(const image::Rgb8Image& in, double noise, std::mt19937& rng) {
  image::Rgb8Image out(in.width, in.height);
  std::normal_distribution<double> gauss(0, noise);
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x)
      for (int c = 0; c < 3; ++c) {
        double sum = 0;
        int n = 0;
        for (int dy = -2; dy <= 2; ++dy)
          for (int dx = -2; dx <= 2; ++dx) {
            const int sx = std::clamp(x + dx, 0, in.width - 1), sy = std::clamp(y + dy, 0, in.height - 1);
            sum += in.at(sx, sy)[c];
            ++n;
          }
        out.at(x, y)[c] = static_cast<std::uint8_t>(std::clamp(std::lround(sum / n + gauss(rng)), 0L, 255L));
      }
  return out;
}

}  // namespace

class TestShapesReading : public QObject {
  Q_OBJECT

 private slots:
  void readsEveryGeneratedImage() {
    QTemporaryDir dir;
    data::ShapesOptions o;
    o.folder = dir.path().toStdString();
    o.count = 270;  // every combination three times
    o.seed = 7;
    data::generateShapesDataset(o);
    const std::vector<data::ShapeSpec> plan = data::planShapes(o);
    std::mt19937 rng(3);
    int exact = 0, degraded = 0;
    QString misses;
    for (std::size_t i = 0; i < plan.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "/shape-%05zu.png", i);
      const image::Rgb8Image img = image::decodeImageFile(o.folder + name).take().image;
      const std::string caption = plan[i].caption();
      const data::ShapesReading r = data::readShapesImage(img);
      if (data::shapesAgreement(r, caption) == 3)
        ++exact;
      else
        misses += QString("%1 read as %2 %3 on %4; ").arg(caption.c_str(), r.colour.c_str(), r.shape.c_str(), r.background.c_str());
      const data::ShapesReading blurred = data::readShapesImage(degrade(img, 12, rng));
      if (data::shapesAgreement(blurred, caption) == 3)
        ++degraded;
      else
        misses += QString("blurred %1 read as %2 %3 on %4; ").arg(caption.c_str(), blurred.colour.c_str(), blurred.shape.c_str(), blurred.background.c_str());
    }
    qInfo("exact %d/%zu, blurred and noisy %d/%zu", exact, plan.size(), degraded, plan.size());
    QVERIFY2(exact == int(plan.size()), qPrintable(misses));
    QVERIFY2(degraded >= int(plan.size()) * 98 / 100, qPrintable(misses));
  }

  void plainImageHasNoObject() {
    image::Rgb8Image img(64, 64);
    for (std::size_t i = 0; i < img.pixels.size(); i += 3) img.pixels[i] = 30, img.pixels[i + 1] = 60, img.pixels[i + 2] = 220;
    const data::ShapesReading r = data::readShapesImage(img);
    QCOMPARE(r.shape, std::string("none"));
    QCOMPARE(r.background, std::string("blue"));
    QCOMPARE(data::shapesAgreement(r, "a red circle on a blue background"), 1);
    QCOMPARE(data::shapesAgreement(r, "not a demo caption"), -1);
  }
};

QTEST_GUILESS_MAIN(TestShapesReading)
#include "test_shapes_reading.moc"
