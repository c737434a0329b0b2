// Text to image against diffusers' pipelines (golden/sd15_pipeline_ddim, golden/sdxl_pipeline_euler):
// prompt encoding, guidance with a negative prompt, the sampler loop and decoding, from the given
// initial latents; plus seeding and cancellation.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include "pipelines/txt2img.h"
#include "tensor_compare.h"
#include "io/safetensors.h"
#include "models/io/torch_tensors.h"

using namespace sds;

namespace {

// The golden's inputs: initial latents, and prompts and settings from its metadata.
pipelines::Txt2ImgParams goldenParams(const io::SafetensorsFile& file, const std::string& sampler) {
  const auto& meta = file.metadata();
  pipelines::Txt2ImgParams p;
  p.prompt = meta.at("prompt");
  p.negativePrompt = meta.at("negative_prompt");
  p.steps = std::stoi(meta.at("steps"));
  p.guidance = std::stod(meta.at("guidance_scale"));
  p.sampler = sampler;
  p.width = p.height = 64;
  p.initLatents = io::tensorView(file, *file.find("latents")).to(torch::kFloat64);
  return p;
}

}  // namespace

class TestTxt2Img : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { SDS_REQUIRE_FIXTURES(); }

  void sd15DdimMatchesDiffusers() {
    const auto golden = io::SafetensorsFile::open(fixturePath("golden/sd15_pipeline_ddim.safetensors"));
    models::StableDiffusionModel model = models::loadDiffusersModel(fixturePath("tiny-sd15"), torch::kFloat64);
    QVERIFY(model.family == models::ModelFamily::SD1);
    int progressCalls = 0;
    pipelines::Txt2ImgCallbacks callbacks;
    callbacks.progress = [&](int step, int steps) {
      ++progressCalls;
      QCOMPARE(steps, 4);
      QCOMPARE(step, progressCalls);
    };
    const at::Tensor image = pipelines::txt2img(model, goldenParams(golden, "ddim"), callbacks);
    QCOMPARE(image.sizes().vec(), (std::vector<int64_t>{1, 64, 64, 3}));
    const double error = relativeError(image, io::tensorView(golden, *golden.find("image")));
    QVERIFY2(error < 1e-5, qPrintable(QString("relative error %1").arg(error)));
    QCOMPARE(progressCalls, 4);
  }

  void sdxlEulerMatchesDiffusers() {
    const auto golden = io::SafetensorsFile::open(fixturePath("golden/sdxl_pipeline_euler.safetensors"));
    models::StableDiffusionModel model = models::loadDiffusersModel(fixturePath("tiny-sdxl"), torch::kFloat64);
    QVERIFY(model.family == models::ModelFamily::SDXL);
    const at::Tensor image = pipelines::txt2img(model, goldenParams(golden, "euler"));
    const double error = relativeError(image, io::tensorView(golden, *golden.find("image")));
    QVERIFY2(error < 1e-5, qPrintable(QString("relative error %1").arg(error)));
  }

  void seedsAndCancellation() {
    models::StableDiffusionModel model = models::loadDiffusersModel(fixturePath("tiny-sd15"), torch::kFloat32);
    pipelines::Txt2ImgParams p;
    p.prompt = "a blue square";
    p.steps = 3;
    p.width = p.height = 32;
    p.sampler = "euler_a";
    p.seed = 5;
    const at::Tensor a = pipelines::txt2img(model, p);
    QVERIFY(torch::equal(a, pipelines::txt2img(model, p)));
    p.seed = 6;
    QVERIFY(!torch::equal(a, pipelines::txt2img(model, p)));
    std::atomic<bool> cancel{true};
    pipelines::Txt2ImgCallbacks callbacks;
    callbacks.cancel = &cancel;
    QVERIFY_THROWS_EXCEPTION(pipelines::Cancelled, pipelines::txt2img(model, p, callbacks));
    p.width = 30;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pipelines::txt2img(model, p));
  }
};

QTEST_GUILESS_MAIN(TestTxt2Img)
#include "test_txt2img.moc"
