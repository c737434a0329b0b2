// The demo's judge: reading the object colour, background colour and shape back from an image. On the
// generator's own images it must be right every time, also when they are blurred and noisy as a young
// model's samples are, so that a failing demo check means the model, not the judge.

#include <QTemporaryDir>
#include <QtTest>

#include <QFile>
#include <QRegularExpression>

#include <cmath>
#include <random>
#include <set>

#include "data/demo_judgement.h"
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
    o.count = 252;  // every combination three times
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

  // The held-out combinations are never drawn, while every colour, shape and background still is; the
  // demo's sample prompts are four of the training set and four held out.
  void heldOutCombinationsStayOut() {
    data::ShapesOptions o;
    o.count = 1000;
    o.seed = 7;
    std::set<std::string> captions, colours, backgrounds, shapes;
    for (const data::ShapeSpec& s : data::planShapes(o)) {
      QVERIFY2(!data::isHeldOut(s), s.caption().c_str());
      captions.insert(s.caption());
      colours.insert(data::shapesPalette()[s.colour].name);
      backgrounds.insert(data::shapesPalette()[s.background].name);
      shapes.insert(data::shapeNames()[s.shape]);
    }
    const std::size_t palette = data::shapesPalette().size();
    QCOMPARE(captions.size(), palette * (palette - 1) * 3 - data::heldOutShapes().size());
    QCOMPARE(colours.size(), palette);
    QCOMPARE(backgrounds.size(), palette);
    QCOMPARE(shapes.size(), std::size_t(3));
    QCOMPARE(data::heldOutShapes().size(), palette);

    QFile demo(QString(SDS_SOURCE_DIR) + "/resources/demo/demo.toml");
    QVERIFY(demo.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(demo.readAll());
    const QRegularExpressionMatch list = QRegularExpression("\\nprompts = \\[([^\\]]*)\\]").match(text);
    QVERIFY(list.hasMatch());
    QStringList prompts;
    for (const QRegularExpressionMatch& m : QRegularExpression("\"([^\"]*)\"").globalMatch(list.captured(1)))
      prompts << m.captured(1);
    QCOMPARE(prompts.size(), 8);
    for (int i = 0; i < prompts.size(); ++i) {
      const std::string prompt = prompts[i].toStdString();
      QVERIFY2(data::parseShapesCaption(prompt).has_value(), prompt.c_str());
      QVERIFY2((captions.count(prompt) == 1) == (i < 4), prompt.c_str());  // the last four are held out
    }
  }

  // The verdict counts the training set's prompts and the held-out ones apart and asks for three in four
  // of each with both colours, and most shapes.
  void judgementCountsBothGroups() {
    const auto reading = [](const char* colour, const char* shape, const char* background) {
      return data::ShapesReading{colour, background, shape};
    };
    std::vector<std::pair<std::string, data::ShapesReading>> samples{
        {"a red circle on a blue background", reading("red", "circle", "blue")},
        {"a green square on a yellow background", reading("green", "square", "yellow")},
        {"a blue triangle on a white background", reading("blue", "circle", "white")},
        {"a yellow circle on a black background", reading("red", "circle", "black")},
        {"reconstructions", reading("red", "circle", "black")},
        {"a red square on a yellow background", reading("red", "square", "yellow")},
        {"a black circle on a blue background", reading("black", "none", "blue")},
    };
    data::DemoJudgement j = data::judgeDemoSamples(samples);
    QCOMPARE(j.samples.size(), std::size_t(6));
    QCOMPARE(j.samples[4].index, std::size_t(5));
    QVERIFY(j.samples[4].heldOut && !j.samples[0].heldOut);
    QCOMPARE(j.trained, 4);
    QCOMPARE(j.trainedColoursRight, 3);
    QCOMPARE(j.heldOut, 2);
    QCOMPARE(j.heldOutColoursRight, 2);
    QCOMPARE(j.shapesRight, 4);
    QCOMPARE(j.summary(), std::string("training prompts: both colours 3/4; held-out prompts: both colours 2/2; shape 4/6"));
    QVERIFY(j.learned());
    samples[5].second.background = "white";  // one held-out sample wrong: 1/2 is under three in four
    QVERIFY(!data::judgeDemoSamples(samples).learned());
    samples[5].second.background = "yellow";
    samples[1].second.shape = samples[5].second.shape = "none";  // shapes 2/6: not most
    QVERIFY(!data::judgeDemoSamples(samples).learned());
    QVERIFY(!data::judgeDemoSamples({}).learned());
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
