// What `sdtrain model info` and the studio's model picker report about a model without loading it:
// family and prediction type of diffusers folders and single files, and refusals naming the file.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "fixtures.h"
#include "models/io/model_inspect.h"
#include "models/io/diffusers_writer.h"
#include "models/scratch_model.h"

using namespace sds;

namespace {

// The reason inspectModel gave, or empty when it accepted the model.
QString refusal(const QString& path) {
  try {
    models::inspectModel(path.toStdString());
  } catch (const std::exception& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

}  // namespace

class TestModelInspect : public QObject {
  Q_OBJECT
 private slots:
  void diffusersFixtures() {
    SDS_REQUIRE_FIXTURES();
    const models::ModelSummary sd15 = models::inspectModel(fixture("tiny-sd15").toStdString());
    QCOMPARE(sd15.layout, std::string("diffusers"));
    QCOMPARE(sd15.family, models::ModelFamily::SD1);
    QCOMPARE(sd15.predictionType, std::string("epsilon"));
    QCOMPARE(models::describeFamily(sd15), std::string("SD 1.x"));
    QVERIFY(sd15.unetParameters > 1000000);
    QCOMPARE(sd15.weightsDtype, std::string("F32"));

    const models::ModelSummary xl = models::inspectModel(fixture("tiny-sdxl").toStdString());
    QCOMPARE(xl.family, models::ModelFamily::SDXL);
    QCOMPARE(xl.components.size(), std::size_t(7));
  }

  // v-prediction and zero terminal SNR come from the scheduler config, as the trainer reads them.
  void vPredictionFolder() {
    QTemporaryDir dir;
    models::StableDiffusionModel model = models::createScratchModel("tiny", 7);
    model.scheduler = diffusion::stableDiffusionSchedule("v_prediction");
    model.scheduler.rescaleBetasZeroSnr = true;
    const QString folder = dir.filePath("model");
    models::saveDiffusersModel(model, folder.toStdString(), torch::kFloat16);
    const models::ModelSummary summary = models::inspectModel(folder.toStdString());
    QCOMPARE(summary.predictionType, std::string("v_prediction"));
    QVERIFY(summary.zeroTerminalSnr);
    QCOMPARE(summary.weightsDtype, std::string("F16"));
    QCOMPARE(summary.resolution, model.unet->config.sampleSize * model.vae->config.scaleFactor());
    QVERIFY(models::describeFamily(summary).find("v-prediction") != std::string::npos);

    // A missing weights file is named.
    QVERIFY(QFile::remove(folder + "/unet/diffusion_pytorch_model.safetensors"));
    const QString why = refusal(folder);
    QVERIFY2(why.contains("unet"), qPrintable(why));
  }

  void refusals() {
    QTemporaryDir dir;
    QCOMPARE(refusal(dir.filePath("absent.safetensors")), dir.filePath("absent.safetensors") + ": no such file or folder");
    QVERIFY(refusal(dir.path()).contains("model_index.json"));
    const QString garbage = dir.filePath("garbage.safetensors");
    QFile file(garbage);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(64, '\x7f'));
    file.close();
    QVERIFY(refusal(garbage).contains(garbage));
    if (haveFixtures()) {
      // Not a model: golden tensors in a .safetensors file.
      const QString golden = fixture("golden/sd15_vae.safetensors");
      const QString why = refusal(golden);
      QVERIFY2(why.contains(golden) && why.contains("model.diffusion_model"), qPrintable(why));
    }
  }
};

QTEST_GUILESS_MAIN(TestModelInspect)
#include "test_model_inspect.moc"
