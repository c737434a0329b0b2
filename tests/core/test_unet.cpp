// UNet2DConditionModel against diffusers (golden/sd15_unet, golden/sdxl_unet): SD 1.x layout with
// legacy head counts, SDXL with linear projections, per-block heads and layers and text_time
// conditioning; plus the real SD 1.5 shape and the refusal of configs it cannot honour.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>

#include "tensor_compare.h"
#include "test_files.h"
#include "io/config_error.h"
#include "models/channels_last.h"
#include "models/io/torch_tensors.h"
#include "models/unet_2d_condition.h"

using namespace sds;
using namespace sds::models;

class TestUNet : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { SDS_REQUIRE_FIXTURES(); }

  void configsAreRead() {
    const UNetConfig sd15 = UNetConfig::fromFile(fixturePath("tiny-sd15/unet/config.json"));
    QCOMPARE(sd15.attentionHeads, std::vector<int64_t>{8});  // legacy attention_head_dim = heads
    QVERIFY(!sd15.useLinearProjection);
    const UNetConfig sdxl = UNetConfig::fromFile(fixturePath("tiny-sdxl/unet/config.json"));
    QCOMPARE(sdxl.attentionHeads, (std::vector<int64_t>{2, 4, 4}));
    QCOMPARE(sdxl.transformerLayersPerBlock, (std::vector<int64_t>{1, 1, 2}));
    QCOMPARE(sdxl.additionEmbedType, std::string("text_time"));
  }

  void sd15MatchesDiffusers_data() { addPrecisionRows(); }

  void sd15MatchesDiffusers() {
    QFETCH(int, dtype);
    QFETCH(double, bound);
    const auto type = c10::ScalarType(dtype);
    auto golden = io::loadTensors(fixturePath("golden/sd15_unet.safetensors"));
    UNet2DConditionModel unet = loadUNet(fixturePath("tiny-sd15/unet"), type);
    torch::NoGradGuard noGrad;
    UNetConditioning cond;
    cond.encoderHiddenStates = golden["encoder_hidden_states"].to(type);
    const at::Tensor out = unet->forward(golden["sample"].to(type), golden["timestep"], cond);
    const double error = relativeError(out, golden["out"]);
    QVERIFY2(error < bound, qPrintable(QString("relative error %1").arg(error)));
  }

  // training.channels_last: the same model in the other layout gives the same result (float32, as
  // the golden), its parameters stay the objects an optimizer holds, and the backward pass runs.
  void channelsLastMatchesDiffusersToo() {
    auto golden = io::loadTensors(fixturePath("golden/sd15_unet.safetensors"));
    UNet2DConditionModel unet = loadUNet(fixturePath("tiny-sd15/unet"), torch::kFloat32);
    const std::vector<at::Tensor> before = unet->parameters();
    toChannelsLast(*unet);
    const std::vector<at::Tensor> after = unet->parameters();
    QCOMPARE(after.size(), before.size());
    int channelsLast = 0;
    for (std::size_t i = 0; i < after.size(); ++i) {
      QVERIFY(after[i].unsafeGetTensorImpl() == before[i].unsafeGetTensorImpl());
      channelsLast += after[i].dim() == 4 && !after[i].is_contiguous() &&
                      after[i].is_contiguous(at::MemoryFormat::ChannelsLast);
    }
    QVERIFY(channelsLast > 0);
    UNetConditioning cond;
    cond.encoderHiddenStates = golden["encoder_hidden_states"];
    const at::Tensor sample = golden["sample"].contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor out = unet->forward(sample, golden["timestep"], cond);
    const double error = relativeError(out.detach(), golden["out"]);
    QVERIFY2(error < 1e-5, qPrintable(QString("relative error %1").arg(error)));
    out.pow(2).mean().backward();
    QVERIFY(unet->conv_in->weight.grad().defined());
    QVERIFY(unet->conv_in->weight.grad().abs().sum().item<double>() > 0);
  }

  void sdxlMatchesDiffusers() {
    auto golden = io::loadTensors(fixturePath("golden/sdxl_unet.safetensors"));
    UNet2DConditionModel unet = loadUNet(fixturePath("tiny-sdxl/unet"), torch::kFloat64);
    torch::NoGradGuard noGrad;
    UNetConditioning cond;
    cond.encoderHiddenStates = golden["encoder_hidden_states"].to(torch::kFloat64);
    cond.textEmbeds = golden["text_embeds"].to(torch::kFloat64);
    cond.timeIds = golden["time_ids"].to(torch::kFloat64);
    const at::Tensor out = unet->forward(golden["sample"].to(torch::kFloat64), golden["timestep"], cond);
    const double error = relativeError(out, golden["out"]);
    QVERIFY2(error < 1e-6, qPrintable(QString("relative error %1").arg(error)));
    // Without its extra conditioning an SDXL UNet refuses to run, naming what is missing.
    cond.textEmbeds = at::Tensor();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, unet->forward(golden["sample"].to(torch::kFloat64),
                                                                  golden["timestep"], cond));
  }

  // Sides that are not multiples of the total downsampling still come back at the input size.
  void oddSizes() {
    UNet2DConditionModel unet = loadUNet(fixturePath("tiny-sd15/unet"), torch::kFloat32);
    torch::NoGradGuard noGrad;
    UNetConditioning cond;
    cond.encoderHiddenStates = torch::randn({1, 77, 32});
    const at::Tensor out = unet->forward(torch::randn({1, 4, 12, 10}), torch::tensor({500}), cond);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{1, 4, 12, 10}));
  }

  void realSd15Shape() {
    UNet2DConditionModel unet(UNetConfig::preset("sd15"));
    int64_t count = 0;
    for (const auto& p : unet->named_parameters()) count += p.value().numel();
    QCOMPARE(count, int64_t(859520964));
    const auto names = unet->named_parameters();
    QVERIFY(names.contains("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight"));
    QVERIFY(names.contains("up_blocks.3.resnets.2.conv_shortcut.weight"));
    QVERIFY(names.contains("mid_block.attentions.0.proj_in.weight"));
    QCOMPARE(names["down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight"].sizes().vec(),
             (std::vector<int64_t>{320, 768}));
  }

  void unsupportedConfigsAreRefused_data() {
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("message");
    QTest::newRow("class embedding") << R"("class_embed_type": "timestep")" << "\"class_embed_type\" is set";
    QTest::newRow("block type") << R"("down_block_types": ["AttnDownBlock2D", "DownBlock2D", "DownBlock2D", "DownBlock2D"])"
                                << "names AttnDownBlock2D";
    QTest::newRow("heads") << R"("attention_head_dim": 6)" << "gives 6 heads, which do not divide block 0's 32";
    QTest::newRow("time shift") << R"("resnet_time_scale_shift": "scale_shift")" << "\"resnet_time_scale_shift\" is";
    QTest::newRow("addition") << R"("addition_embed_type": "image")" << "\"addition_embed_type\" is \"image\"";
  }

  void unsupportedConfigsAreRefused() {
    QFETCH(QString, change);
    QFETCH(QString, message);
    QFile original(fixture("tiny-sd15/unet/config.json"));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QJsonObject config = QJsonDocument::fromJson(original.readAll()).object();
    const QJsonObject changed = QJsonDocument::fromJson(("{" + change + "}").toUtf8()).object();
    QVERIFY(!changed.isEmpty());
    for (auto it = changed.begin(); it != changed.end(); ++it) config.insert(it.key(), it.value());
    QTemporaryDir dir;
    writeFile(dir.filePath("config.json"), QJsonDocument(config).toJson());
    try {
      UNetConfig::fromFile(dir.filePath("config.json").toStdString());
      QFAIL("no error");
    } catch (const io::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestUNet)
#include "test_unet.moc"
