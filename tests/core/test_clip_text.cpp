// CLIP text encoders against transformers (golden/sd15_text_encoder, golden/sdxl_text_encoders), and
// the loader's refusals: missing, unexpected and misshapen weights, unsupported config values.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include "tensor_compare.h"
#include "io/config_error.h"
#include "models/io/torch_tensors.h"
#include "models/clip_text_model.h"
#include "models/io/weights.h"

using namespace sds;
using namespace sds::models;

class TestClipText : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { SDS_REQUIRE_FIXTURES(); }

  void configIsRead() {
    const ClipTextConfig c = ClipTextConfig::fromFile(fixturePath("tiny-sd15/text_encoder/config.json"));
    QCOMPARE(c.hiddenSize, int64_t(32));
    QCOMPARE(c.numHiddenLayers, int64_t(3));
    QCOMPARE(c.hiddenAct, std::string("quick_gelu"));
    QVERIFY(!c.withProjection);
    QVERIFY(ClipTextConfig::fromFile(fixturePath("tiny-sdxl/text_encoder_2/config.json")).withProjection);
  }

  void sd15MatchesTransformers_data() { addPrecisionRows(); }

  void sd15MatchesTransformers() {
    QFETCH(int, dtype);
    QFETCH(double, bound);
    auto golden = io::loadTensors(fixturePath("golden/sd15_text_encoder.safetensors"));
    ClipTextModel model = loadClipTextModel(fixturePath("tiny-sd15/text_encoder"), c10::ScalarType(dtype));
    torch::NoGradGuard noGrad;
    const ClipTextOutput out = model->forward(golden["input_ids"]);
    COMPARE_CLOSE(out.lastHiddenState, golden["last_hidden_state"], bound);
    COMPARE_CLOSE(out.penultimateHiddenState, golden["penultimate_hidden_state"], bound);
    COMPARE_CLOSE(out.pooled, golden["pooled_output"], bound);
    QVERIFY(!out.textEmbeds.defined());
  }

  void sdxlEncodersMatchTransformers() {
    auto golden = io::loadTensors(fixturePath("golden/sdxl_text_encoders.safetensors"));
    torch::NoGradGuard noGrad;
    ClipTextModel te1 = loadClipTextModel(fixturePath("tiny-sdxl/text_encoder"), torch::kFloat64);
    const ClipTextOutput one = te1->forward(golden["te1/input_ids"]);
    COMPARE_CLOSE(one.lastHiddenState, golden["te1/last_hidden_state"], 1e-6);
    COMPARE_CLOSE(one.penultimateHiddenState, golden["te1/penultimate_hidden_state"], 1e-6);
    COMPARE_CLOSE(one.pooled, golden["te1/pooled_output"], 1e-6);

    // The second encoder has gelu, a projection, and a different pad token ("!", id 0).
    ClipTextModel te2 = loadClipTextModel(fixturePath("tiny-sdxl/text_encoder_2"), torch::kFloat64);
    const ClipTextOutput two = te2->forward(golden["te2/input_ids"]);
    COMPARE_CLOSE(two.penultimateHiddenState, golden["te2/penultimate_hidden_state"], 1e-6);
    COMPARE_CLOSE(two.textEmbeds, golden["te2/text_embeds"], 1e-6);
  }

  void parameterNamesAreTransformers() {
    ClipTextModel model(ClipTextConfig::preset("sd1"));
    int64_t count = 0;
    for (const auto& p : model->named_parameters()) count += p.value().numel();
    QCOMPARE(count, int64_t(123060480));  // CLIP ViT-L/14's text model, SD 1.x's encoder
    QVERIFY(model->named_parameters().contains("encoder.layers.11.self_attn.q_proj.weight"));
    QVERIFY(!model->named_parameters().contains("text_projection.weight"));
    QCOMPARE(clipTextParameterName("text_model.final_layer_norm.weight"), std::string("final_layer_norm.weight"));
    QCOMPARE(clipTextParameterName("text_model.embeddings.position_ids"), std::string());
  }

  void badWeightsAreRefusedByName() {
    auto weights = io::loadTensors(fixturePath("tiny-sd15/text_encoder/model.safetensors"));
    const ClipTextConfig config = ClipTextConfig::fromFile(fixturePath("tiny-sd15/text_encoder/config.json"));
    auto expectError = [&](std::map<std::string, at::Tensor> tensors, const QString& fragment) {
      ClipTextModel model(config);
      try {
        loadWeights(*model, tensors, "te.safetensors", clipTextParameterName);
        QFAIL("no error");
      } catch (const WeightsError& e) {
        QVERIFY2(QString(e.what()).contains(fragment), e.what());
        QVERIFY2(QString(e.what()).startsWith("te.safetensors: "), e.what());
      }
    };
    auto missing = weights;
    missing.erase("encoder.layers.1.mlp.fc2.bias");
    expectError(missing, "missing weight \"encoder.layers.1.mlp.fc2.bias\"");
    auto extra = weights;
    extra["encoder.layers.7.mlp.fc2.bias"] = torch::zeros({32});
    expectError(extra, "unexpected weight \"encoder.layers.7.mlp.fc2.bias\"");
    auto misshapen = weights;
    misshapen["final_layer_norm.weight"] = torch::zeros({33});
    expectError(misshapen, "weight \"final_layer_norm.weight\" has shape [33], the model expects [32]");
  }

  void unsupportedConfigIsRefused() {
    QTemporaryDir dir;
    const QString file = dir.filePath("config.json");
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(R"({"hidden_act": "relu", "hidden_size": 32, "num_attention_heads": 4})");
    out.close();
    try {
      ClipTextConfig::fromFile(file.toStdString());
      QFAIL("no error");
    } catch (const io::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("\"hidden_act\" is \"relu\", which SD Studio does not support"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestClipText)
#include "test_clip_text.moc"
