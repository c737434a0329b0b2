// sdtrain generate as users run it: images that match diffusers' pipelines (golden/sd15_pipeline_ddim,
// golden/sdxl_pipeline_euler) from the given initial latents, the PNG files with their metadata, the
// progress it reports, batches and precisions, and every kind of bad input refused with a clear message
// and the documented exit code.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include <QDir>
#include <QImage>
#include <QTemporaryDir>

#include "runtime/precision.h"
#include "sdtrain_process.h"
#include "tensor_compare.h"
#include "test_files.h"
#include "image/png_writer.h"
#include "io/safetensors.h"
#include "models/io/torch_tensors.h"
#include "models/lora.h"
#include "models/io/lora_files.h"
#include "models/io/model_loader.h"

using namespace sds;

namespace {

// The golden's prompts and settings as sdtrain generate arguments, with its initial latents (saved to
// `latentsFile`) in place of drawn noise.
QStringList goldenArguments(const QString& model, const QString& goldenName, const QString& sampler,
                            const QString& latentsFile) {
  const auto golden = io::SafetensorsFile::open(fixturePath("golden/" + goldenName + ".safetensors"));
  const auto& meta = golden.metadata();
  io::saveTensors(latentsFile.toStdString(), {{"latents", io::tensorView(golden, *golden.find("latents"))}});
  return {"generate", "--model", fixture(model), "--prompt", QString::fromStdString(meta.at("prompt")),
          "--negative-prompt", QString::fromStdString(meta.at("negative_prompt")),
          "--steps", QString::fromStdString(meta.at("steps")),
          "--guidance", QString::fromStdString(meta.at("guidance_scale")),
          "--sampler", sampler, "--width", "64", "--height", "64", "--seed", "0",
          "--init-latents", latentsFile};
}

at::Tensor goldenImage(const QString& goldenName) {
  return io::loadTensors(fixturePath("golden/" + goldenName + ".safetensors")).at("image").clone();
}

at::Tensor rawImage(const QString& path) { return io::loadTensors(path.toStdString()).at("image").clone(); }

// The largest difference between a PNG's pixels and an image in [0, 1] ([H, W, 3]), in 8-bit steps.
double pngDifference(const QString& png, const at::Tensor& image) {
  const QImage decoded(png);
  if (decoded.isNull()) return 1e9;
  const at::Tensor expected = (image * 255).to(torch::kFloat64);
  double worst = 0;
  for (int y = 0; y < decoded.height(); ++y)
    for (int x = 0; x < decoded.width(); ++x) {
      const QRgb p = decoded.pixel(x, y);
      const int channels[3] = {qRed(p), qGreen(p), qBlue(p)};
      for (int c = 0; c < 3; ++c)
        worst = std::max(worst, std::abs(channels[c] - expected[y][x][c].item<double>()));
    }
  return worst;
}

QMap<QString, QString> pngText(const QString& path) {
  QMap<QString, QString> out;
  for (const auto& [key, value] : image::readPngText(path.toStdString()))
    out.insert(QString::fromStdString(key), QString::fromStdString(value));
  return out;
}

#define VERIFY_MESSAGE(bytes, fragment) \
  QVERIFY2((bytes).contains(QString(fragment).toUtf8()),                                      \
           qPrintable("no \"" + QString(fragment) + "\" in:\n" + QString::fromUtf8(bytes)))

}  // namespace

class TestGenerate : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString ckpt_;

 private slots:
  void initTestCase() {
    QVERIFY2(QFileInfo(QStringLiteral(SDS_SDTRAIN)).isExecutable(), SDS_SDTRAIN);
    SDS_REQUIRE_FIXTURES();
    QVERIFY(dir_.isValid());
  }

  // --- matching diffusers ---

  void sd15MatchesDiffusers_data() {
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<double>("bound");
    // Measured: fp64 1.5e-6, fp32 6.6e-5. Each network alone matches to the golden's float32 rounding;
    // guidance 7.5 and DDIM's 1/sqrt(ᾱ) magnify the last-ulp differences of the float32 timestep
    // embedding (as test_txt2img allows for).
    QTest::newRow("fp64") << "fp64" << 5e-6;
    QTest::newRow("fp32") << "fp32" << 1e-4;
  }
  void sd15MatchesDiffusers() {
    QFETCH(QString, dtype);
    QFETCH(double, bound);
    QTemporaryDir dir;
    const QString png = dir.filePath("circle.png"), raw = dir.filePath("circle.safetensors");
    RUN(r, kExitOk, goldenArguments("tiny-sd15", "sd15_pipeline_ddim", "ddim", dir.filePath("latents.safetensors"))
                        << "--dtype" << dtype << "--out" << png << "--save-raw" << raw);
    const at::Tensor golden = goldenImage("sd15_pipeline_ddim");
    const at::Tensor image = rawImage(raw);
    QCOMPARE(image.scalar_type(), torch::kFloat32);
    QCOMPARE(image.sizes().vec(), (std::vector<int64_t>{1, 64, 64, 3}));
    COMPARE_CLOSE(image, golden, bound);

    // The PNG: the same image in 8 bits (rounded as diffusers does), with the settings as text.
    QCOMPARE(QImage(png).size(), QSize(64, 64));
    QVERIFY(pngDifference(png, golden[0]) <= 0.5 + 255 * bound);
    const QMap<QString, QString> text = pngText(png);
    QCOMPARE(text.value("prompt"), QString("a red circle"));
    QCOMPARE(text.value("negative_prompt"), QString("blurry"));
    QCOMPARE(text.value("seed"), QString("0"));
    QCOMPARE(text.value("steps"), QString("4"));
    QCOMPARE(text.value("sampler"), QString("ddim"));
    QCOMPARE(text.value("guidance"), QString("7.5"));
    QCOMPARE(text.value("size"), QString("64x64"));
    QCOMPARE(text.value("model"), QString("tiny-sd15"));
    QCOMPARE(text.value("dtype"), dtype);
    QVERIFY2(text.value("parameters").startsWith("a red circle\nNegative prompt: blurry\nSteps: 4, Sampler: DDIM, "
                                                 "CFG scale: 7.5, Seed: 0, Size: 64x64"),
             qPrintable(text.value("parameters")));
    // The raw file carries the same settings.
    const auto rawFile = io::SafetensorsFile::open(raw.toStdString());
    QCOMPARE(QString::fromStdString(rawFile.metadata().at("prompt")), QString("a red circle"));

    // Where the files went, and nothing else in the folder but the inputs.
    VERIFY_MESSAGE(r.out, "wrote " + png);
    VERIFY_MESSAGE(r.out, "wrote " + raw);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden, QDir::Name),
             QStringList({"circle.png", "circle.safetensors", "latents.safetensors"}));
  }

  void singleFileCheckpoint() {
    // The fp16 single file with the folder's configs: the folder's image within its weights' rounding
    // (a mean difference of about 0.02 at guidance 7.5, see test_single_file).
    QTemporaryDir dir;
    const QString raw = dir.filePath("single.safetensors");
    QStringList args = goldenArguments("tiny-sd15-single.safetensors", "sd15_pipeline_ddim", "ddim",
                                       dir.filePath("latents.safetensors"));
    RUN(r, kExitOk, args << "--config" << fixture("tiny-sd15") << "--out" << dir.filePath("single.png") << "--save-raw" << raw);
    const double mean = (rawImage(raw) - goldenImage("sd15_pipeline_ddim")).abs().mean().item<double>();
    QVERIFY2(mean < 0.03, qPrintable(QString::number(mean)));
    // Without them its 32-wide text encoder's head count is unknown, and the message says what to do.
    RUN(refused, kExitInvalidInput, {"generate", "--model", fixture("tiny-sd15-single.safetensors"), "--prompt", "x",
                                     "--out", dir.filePath("x.png")});
    VERIFY_MESSAGE(refused.err, "--config");
  }

  void loraChangesTheImage() {
    // A LoRA with non-zero weights on the tiny model's attention: the image changes, and the PNG names it.
    QTemporaryDir dir;
    const QString lora = dir.filePath("style.safetensors");
    {
      models::StableDiffusionModel model = models::loadModel(fixturePath("tiny-sd15"), torch::kFloat32);
      models::LoraOptions options;
      options.rank = 4;
      models::attachLora(*model.unet, options);
      torch::manual_seed(3);
      for (const auto& item : model.unet->named_parameters())
        if (item.key().find(".lora.up.") != std::string::npos) item.value().data().normal_(0, 0.5);
      models::saveLora(model, lora.toStdString(), models::LoraFormat::Kohya, torch::kFloat16);
    }
    const QStringList common{"generate", "--model", fixture("tiny-sd15"), "--prompt", "a cat", "--steps", "2",
                             "--width", "32", "--height", "32", "--seed", "4"};
    RUN(plain, kExitOk, QStringList(common) << "--out" << dir.filePath("plain.png") << "--save-raw" << dir.filePath("plain.safetensors"));
    RUN(styled, kExitOk, QStringList(common) << "--lora" << lora << "--out" << dir.filePath("styled.png") << "--save-raw"
                                            << dir.filePath("styled.safetensors"));
    const double difference =
        (rawImage(dir.filePath("plain.safetensors")) - rawImage(dir.filePath("styled.safetensors"))).abs().max().item<double>();
    QVERIFY2(difference > 0.01, qPrintable(QString::number(difference)));
    QCOMPARE(pngText(dir.filePath("styled.png")).value("lora"), QString("style.safetensors"));
    QVERIFY(!pngText(dir.filePath("plain.png")).contains("lora"));
    // A LoRA of another model is refused, naming a key it cannot place.
    writeFile(dir.filePath("other.safetensors"), QByteArray());
    RUN(refused, kExitInvalidInput, QStringList(common) << "--lora" << dir.filePath("other.safetensors") << "--out" << dir.filePath("x.png"));
    VERIFY_MESSAGE(refused.err, "other.safetensors");
  }

  void sdxlMatchesDiffusers_data() {
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<double>("bound");
    // Measured: fp64 1.2e-7 (the golden's float32 rounding), fp32 3.9e-6.
    QTest::newRow("fp64") << "fp64" << 1e-6;
    QTest::newRow("fp32") << "fp32" << 1e-4;
  }
  void sdxlMatchesDiffusers() {
    QFETCH(QString, dtype);
    QFETCH(double, bound);
    QTemporaryDir dir;
    const QString png = dir.filePath("triangle.png"), raw = dir.filePath("triangle.safetensors");
    RUN(r, kExitOk,
        goldenArguments("tiny-sdxl", "sdxl_pipeline_euler", "euler", dir.filePath("latents.safetensors"))
            << "--dtype" << dtype << "--out" << png << "--save-raw" << raw);
    COMPARE_CLOSE(rawImage(raw), goldenImage("sdxl_pipeline_euler"), bound);
    QCOMPARE(QImage(png).size(), QSize(64, 64));
    const QMap<QString, QString> text = pngText(png);
    QCOMPARE(text.value("prompt"), QString("a green triangle"));
    QCOMPARE(text.value("sampler"), QString("euler"));
    QCOMPARE(text.value("guidance"), QString("5"));
    QCOMPARE(text.value("model"), QString("tiny-sdxl"));
  }

  // --- reporting ---

  void textModeReportsEachStep() {
    QTemporaryDir dir;
    const QString png = dir.filePath("a.png");
    RUN(r, kExitOk, {"generate", "--model", fixture("tiny-sd15"), "--prompt", "a cat", "--steps", "3",
                     "--width", "32", "--height", "32", "--seed", "1", "--out", png});
    for (const char* step : {"generating 1/3", "generating 2/3", "generating 3/3"}) VERIFY_MESSAGE(r.err, step);
    VERIFY_MESSAGE(r.err, "finished: 1 image (32x32, 3 steps, dpmpp_2m_karras, seed 1) in ");
    QCOMPARE(lines(r.out), QStringList{"wrote " + png});
    QCOMPARE(QImage(png).size(), QSize(32, 32));
    // Without --negative-prompt there is none in the metadata.
    QVERIFY(!pngText(png).contains("negative_prompt"));
  }

  void jsonlEvents() {
    QTemporaryDir dir;
    const QString png = dir.filePath("a.png");
    RUN(r, kExitOk, {"--events", "jsonl", "generate", "--model", fixture("tiny-sd15"), "--prompt", "a cat",
                     "--steps", "2", "--width", "32", "--height", "32", "--seed", "7", "--batch", "2",
                     "--out", png});
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    QString problem;
    const QList<QJsonObject> list = events(r.out, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(list.first().value("event").toString(), QString("hello"));
    QList<int> progress;
    QStringList samples, states;
    for (const QJsonObject& e : list) {
      const QString name = e.value("event").toString();
      QVERIFY2(name != "error", qPrintable(e.value("message").toString()));
      if (name == "progress") {
        QCOMPARE(e.value("phase").toString(), QString("generating"));
        QCOMPARE(e.value("total").toInt(), 2);
        progress << e.value("current").toInt();
      } else if (name == "sample") {
        samples << e.value("path").toString();
        QCOMPARE(e.value("seed").toInt(), 7);
        QCOMPARE(e.value("prompt").toString(), QString("a cat"));
      } else if (name == "state") {
        states << e.value("state").toString();
      }
    }
    QCOMPARE(progress, QList<int>({1, 2}));
    QCOMPARE(samples, QStringList({png, dir.filePath("a-1.png")}));
    QCOMPARE(states, QStringList({"sampling", "saving", "finished"}));
    QCOMPARE(pngText(dir.filePath("a-1.png")).value("batch_index"), QString("1"));
  }

  // --- seeds, batches, precisions ---

  void seedsAndBatches() {
    QTemporaryDir dir;
    auto run = [&](const QString& name, const QString& sampler, const QString& seed, const QString& batch) {
      const Result r = sdtrain({"generate", "--model", fixture("tiny-sd15"), "--prompt", "a cat", "--steps", "2",
                                "--sampler", sampler, "--width", "32", "--height", "32", "--seed", seed, "--batch",
                                batch, "--out", dir.filePath(name + ".png"), "--save-raw",
                                dir.filePath(name + ".safetensors")});
      if (!r.ran || r.exitCode != kExitOk) qWarning().noquote() << r.problem << r.err;
      return r.ran && r.exitCode == kExitOk;
    };
    // Euler a draws noise at every step too, from the same seeded generator.
    QVERIFY(run("a", "euler_a", "5", "1"));
    QVERIFY(run("b", "euler_a", "5", "1"));
    QVERIFY(run("c", "euler_a", "6", "1"));
    const at::Tensor a = rawImage(dir.filePath("a.safetensors"));
    QVERIFY(torch::equal(a, rawImage(dir.filePath("b.safetensors"))));
    QVERIFY(!torch::equal(a, rawImage(dir.filePath("c.safetensors"))));

    // A batch draws its noise in one go, so with a sampler that adds none its first image is the
    // single image of the same seed.
    QVERIFY(run("single", "euler", "5", "1"));
    QVERIFY(run("batch", "euler", "5", "3"));
    const at::Tensor batch = rawImage(dir.filePath("batch.safetensors"));
    QCOMPARE(batch.sizes().vec(), (std::vector<int64_t>{3, 32, 32, 3}));
    COMPARE_CLOSE(batch[0], rawImage(dir.filePath("single.safetensors"))[0], 1e-5);
    QVERIFY(!torch::equal(batch[0], batch[1]));
    for (const char* file : {"batch.png", "batch-1.png", "batch-2.png"})
      QCOMPARE(QImage(dir.filePath(file)).size(), QSize(32, 32));
    QVERIFY(!QFileInfo::exists(dir.filePath("batch-3.png")));
    QVERIFY(pngDifference(dir.filePath("batch-2.png"), batch[2]) <= 0.5 + 1e-3);
    QCOMPARE(pngText(dir.filePath("batch-2.png")).value("batch"), QString("3"));
  }

  void randomSeedIsReportedAndStored() {
    QTemporaryDir dir;
    const QString png = dir.filePath("a.png");
    RUN(r, kExitOk, {"generate", "--model", fixture("tiny-sd15"), "--prompt", "a cat", "--steps", "1", "--width", "32",
                     "--height", "32", "--out", png});
    const QString seed = pngText(png).value("seed");
    QVERIFY2(!seed.isEmpty(), "no seed in the PNG");
    VERIFY_MESSAGE(r.err, "seed " + seed + ")");
  }

  // bfloat16 runs on the CPU and gives nearly the float32 image. (Without guidance: with the tiny
  // model's random weights, guidance 7.5 magnifies bfloat16's 1% rounding into visibly other images.)
  void bf16OnCpu() {
    QTemporaryDir dir;
    if (!sds::runtime::cpuSupports(torch::kBFloat16)) {
      // Where this CPU has no bfloat16 kernels, generate says so instead of failing inside LibTorch.
      RUN(refused, kExitInvalidInput, {"generate", "--model", fixture("tiny-sd15"), "--prompt", "a red circle",
                                       "--dtype", "bf16", "--out", dir.filePath("bf16.png")});
      VERIFY_MESSAGE(refused.err, "error: --dtype bf16: this LibTorch cannot run it on the CPU");
      QSKIP("this CPU has no bfloat16 kernels in LibTorch: the refusal was checked instead");
    }
    for (const QString dtype : {"fp32", "bf16"}) {
      RUN(r, kExitOk, {"generate", "--model", fixture("tiny-sd15"), "--prompt", "a red circle", "--steps", "4",
                       "--guidance", "1", "--sampler", "ddim", "--width", "64", "--height", "64", "--seed", "3",
                       "--dtype", dtype, "--out", dir.filePath(dtype + ".png"), "--save-raw",
                       dir.filePath(dtype + ".safetensors")});
    }
    const at::Tensor image = rawImage(dir.filePath("bf16.safetensors"));
    const at::Tensor reference = rawImage(dir.filePath("fp32.safetensors"));
    QVERIFY(torch::isfinite(image).all().item<bool>());
    QVERIFY(image.min().item<double>() >= 0 && image.max().item<double>() <= 1);
    const double meanError = (image - reference).abs().mean().item<double>();
    qInfo() << "bf16: mean absolute difference to fp32" << meanError << "max"
            << (image - reference).abs().max().item<double>();
    QVERIFY2(meanError < 0.03, qPrintable(QString::number(meanError)));
    QVERIFY(image.std().item<double>() > 0.01);  // an image, not a flat colour
    QCOMPARE(pngText(dir.filePath("bf16.png")).value("dtype"), QString("bf16"));
  }

  // --- refusals ---

  void fp16OnCpuIsRefused() {
    QTemporaryDir dir;
    const QString png = dir.filePath("a.png");
    RUN(r, kExitInvalidInput, {"generate", "--model", fixture("tiny-sd15"), "--prompt", "a cat", "--dtype", "fp16",
                               "--out", png});
    VERIFY_MESSAGE(r.err, "error: --dtype fp16: float16 needs --device cuda; use fp32 or bf16 on the CPU");
    QVERIFY(!QFileInfo::exists(png));
  }

  // Without a CUDA GPU (this build or this machine), --device cuda says so; with one it works.
  void cudaDevice() {
    QTemporaryDir dir;
    const QString png = dir.filePath("a.png");
    const Result r = sdtrain({"generate", "--model", fixture("tiny-sd15"), "--prompt", "a cat", "--steps", "1",
                              "--width", "32", "--height", "32", "--device", "cuda", "--out", png});
    QVERIFY2(r.ran, qPrintable(r.problem));
    if (r.exitCode == kExitOk) {
      QCOMPARE(QImage(png).size(), QSize(32, 32));
      return;
    }
    QCOMPARE(r.exitCode, kExitInvalidInput);
    QVERIFY2(r.err.startsWith("error: --device cuda: "), r.err.constData());
    QVERIFY2(r.err.contains("no CUDA support") || r.err.contains("no CUDA GPU was found"), r.err.constData());
    QVERIFY(!QFileInfo::exists(png));
  }

  void badInput_data() {
    QTest::addColumn<QStringList>("arguments");  // after --prompt; MODEL, OUT and DIR are replaced
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("fragments");  // in stderr; DIR is replaced
    const QString sd15 = fixture("tiny-sd15");
    QTest::newRow("missing model") << QStringList{"--model", "DIR/nowhere", "--out", "OUT"} << kExitInvalidInput
                                   << QStringList{"error: DIR/nowhere: no such file or folder"};
    QTest::newRow("pickle checkpoint") << QStringList{"--model", "DIR/model.ckpt", "--out", "OUT"} << kExitInvalidInput
                                       << QStringList{"DIR/model.ckpt", "is a PyTorch pickle checkpoint"};
    QTest::newRow("folder without model_index.json") << QStringList{"--model", "DIR", "--out", "OUT"}
                                                     << kExitInvalidInput << QStringList{"DIR", "model_index.json"};
    QTest::newRow("unknown sampler") << QStringList{"--model", sd15, "--sampler", "plms", "--out", "OUT"} << kExitUsage
                                     << QStringList{"--sampler", "plms"};
    QTest::newRow("width not a multiple of 8") << QStringList{"--model", sd15, "--width", "30", "--out", "OUT"}
                                               << kExitUsage << QStringList{"--width", "multiple of 8", "30"};
    QTest::newRow("zero steps") << QStringList{"--model", sd15, "--steps", "0", "--out", "OUT"} << kExitUsage
                                << QStringList{"--steps"};
    QTest::newRow("unknown dtype") << QStringList{"--model", sd15, "--dtype", "fp8", "--out", "OUT"} << kExitUsage
                                   << QStringList{"--dtype", "fp8"};
    QTest::newRow("no --out") << QStringList{"--model", sd15} << kExitUsage << QStringList{"--out"};
    QTest::newRow("--out not PNG") << QStringList{"--model", sd15, "--out", "DIR/a.jpg"} << kExitUsage
                                   << QStringList{"error: --out DIR/a.jpg: expected a .png file name"};
    QTest::newRow("out folder missing") << QStringList{"--model", sd15, "--out", "DIR/missing/a.png"} << kExitFailure
                                        << QStringList{"error: --out DIR/missing/a.png: cannot write there",
                                                       "DIR/missing does not exist"};
    QTest::newRow("out folder is a file") << QStringList{"--model", sd15, "--out", "DIR/model.ckpt/a.png"}
                                          << kExitFailure << QStringList{"--out DIR/model.ckpt/a.png: cannot write"};
    QTest::newRow("save-raw folder missing")
        << QStringList{"--model", sd15, "--out", "OUT", "--save-raw", "DIR/missing/raw.safetensors"} << kExitFailure
        << QStringList{"--save-raw DIR/missing/raw.safetensors: cannot write there"};
    QTest::newRow("init latents of the wrong shape")
        << QStringList{"--model", sd15, "--width", "64", "--height", "64", "--init-latents", "DIR/small.safetensors",
                       "--out", "OUT"}
        << kExitInvalidInput
        << QStringList{"--init-latents DIR/small.safetensors: \"latents\" has shape [1, 4, 4, 4], but --batch 1 at "
                       "64x64 needs [1, 4, 8, 8]"};
    QTest::newRow("init latents for another batch")
        << QStringList{"--model", sd15, "--width", "32", "--height", "32", "--batch", "2", "--init-latents",
                       "DIR/small.safetensors", "--out", "OUT"}
        << kExitInvalidInput << QStringList{"needs [2, 4, 4, 4]"};
    QTest::newRow("init latents without the key")
        << QStringList{"--model", sd15, "--init-latents", "DIR/other.safetensors", "--out", "OUT"} << kExitInvalidInput
        << QStringList{"--init-latents DIR/other.safetensors: the file has no tensor named \"latents\" (it has "
                       "\"noise\")"};
    QTest::newRow("init latents not safetensors")
        << QStringList{"--model", sd15, "--init-latents", "DIR/model.ckpt", "--out", "OUT"} << kExitInvalidInput
        << QStringList{"--init-latents: ", "DIR/model.ckpt", "pickle"};
    QTest::newRow("init latents missing")
        << QStringList{"--model", sd15, "--init-latents", "DIR/none.safetensors", "--out", "OUT"} << kExitInvalidInput
        << QStringList{"--init-latents: ", "DIR/none.safetensors"};
    QTest::newRow("bad prediction type") << QStringList{"--model", sd15, "--prediction", "sample", "--out", "OUT"}
                                         << kExitUsage << QStringList{"--prediction", "sample"};
  }
  void badInput() {
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QStringList, fragments);
    QTemporaryDir dir;
    // A pickle (protocol 2) named like a checkpoint, and latents files of the wrong shape or key.
    writeFile(dir.filePath("model.ckpt"), QByteArray("\x80\x02\x7d\x71\x00\x2e", 6));
    io::saveTensors(dir.filePath("small.safetensors").toStdString(), {{"latents", torch::zeros({1, 4, 4, 4})}});
    io::saveTensors(dir.filePath("other.safetensors").toStdString(), {{"noise", torch::zeros({1, 4, 8, 8})}});
    const QString out = dir.filePath("out.png");
    QStringList args{"generate", "--prompt", "a cat", "--steps", "1"};
    for (QString a : arguments) args << a.replace("DIR", dir.path()).replace("OUT", out);
    RUN(r, exitCode, args);
    for (QString fragment : fragments) VERIFY_MESSAGE(r.err, fragment.replace("DIR", dir.path()));
    QVERIFY(r.out.isEmpty());
    QVERIFY(!QFileInfo::exists(out));
    QVERIFY(!QFileInfo::exists(dir.filePath("missing")));
  }

  // Errors in jsonl mode are error events on stdout, nothing on stderr.
  void badInputAsEvents() {
    QTemporaryDir dir;
    RUN(r, kExitInvalidInput, {"--events", "jsonl", "generate", "--model", dir.filePath("nowhere"), "--prompt", "x",
                               "--out", dir.filePath("a.png")});
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    QString problem;
    const QList<QJsonObject> list = events(r.out, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(list.last().value("event").toString(), QString("error"));
    QVERIFY(list.last().value("message").toString().contains(dir.filePath("nowhere")));
  }
};

QTEST_GUILESS_MAIN(TestGenerate)
#include "test_generate.moc"
