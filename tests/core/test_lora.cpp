// LoRA adapters: attached where the targets say, neutral at the start, the same as merging B·A into the
// weights, and the only thing that trains when the base is frozen.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <cmath>
#include <functional>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "models/clip_text_model.h"
#include "models/lora.h"
#include "models/io/lora_files.h"
#include "models/io/peft_adapter_config.h"
#include "io/safetensors.h"
#include "models/io/torch_tensors.h"
#include "models/io/weights.h"
#include "models/unet_2d_condition.h"

using namespace sds::models;

namespace {

UNetConfig smallUNet() {
  UNetConfig c = UNetConfig::preset("sdxl");  // linear projections, so proj_in/out can take adapters too
  c.blockOutChannels = {32, 64, 64};
  c.attentionHeads = {2, 4, 4};
  c.transformerLayersPerBlock = {1, 1, 1};
  c.crossAttentionDim = {32};
  c.additionEmbedType.clear();
  c.layersPerBlock = 1;
  return c;
}

UNetConditioning conditioning() {
  torch::manual_seed(8);
  UNetConditioning cond;
  cond.encoderHiddenStates = torch::randn({1, 5, 32}, torch::kFloat64);
  return cond;
}

// A small model of the family with the same random base for the same seed.
StableDiffusionModel smallModel(ModelFamily family, std::uint64_t seed) {
  torch::manual_seed(seed);
  StableDiffusionModel m;
  m.family = family;
  m.unet = UNet2DConditionModel(smallUNet());
  ClipTextConfig c;
  c.hiddenSize = 32, c.intermediateSize = 64, c.numHiddenLayers = 2, c.numAttentionHeads = 4;
  m.textEncoder = ClipTextModel(c);
  if (family == ModelFamily::SDXL) {
    c.withProjection = true, c.projectionDim = 16, c.hiddenAct = "gelu";
    m.textEncoder2 = ClipTextModel(c);
  }
  m.unet->to(torch::kFloat64);
  m.textEncoder->to(torch::kFloat64);
  if (m.textEncoder2) m.textEncoder2->to(torch::kFloat64);
  return m;
}

// The adapter attached to the linear layer `name` of `module`.
LoraAdapterImpl* adapterAt(torch::nn::Module& module, const std::string& name) {
  for (const auto& item : module.named_modules("", false))
    if (item.key() == name || item.key() == "text_model." + name) return adapterOf(*item.value());
  return nullptr;
}

}  // namespace

class TestLora : public QObject {
  Q_OBJECT

 private slots:
  void attachesToTargetsOnly() {
    UNet2DConditionModel unet(smallUNet());
    LoraOptions o;
    o.rank = 4;
    o.targets = {"to_q", "to_out.0", "proj_in"};
    const std::vector<std::string> names = attachLora(*unet, o);
    // Two attention blocks of two attentions each (self and cross) at two levels plus the middle, one transformer each.
    int q = 0, out = 0, proj = 0;
    for (const std::string& n : names) {
      q += n.size() > 5 && n.compare(n.size() - 5, 5, ".to_q") == 0;
      out += n.find("to_out.0") != std::string::npos;
      proj += n.find("proj_in") != std::string::npos;
    }
    QCOMPARE(q, out);
    QCOMPARE(q, 2 * proj);
    QVERIFY(proj >= 3);
    for (const auto& item : unet->named_parameters())
      if (item.key().find(".lora.") != std::string::npos)
        QVERIFY2(item.key().find(".to_q.lora.") != std::string::npos || item.key().find(".to_out.0.lora.") != std::string::npos ||
                     item.key().find(".proj_in.lora.") != std::string::npos,
                 item.key().c_str());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, attachLora(*unet, o));  // already attached
    UNet2DConditionModel other(smallUNet());
    o.targets = {"to_qq"};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, attachLora(*other, o));
  }

  void neutralAtStartAndEqualToMergedWeights() {
    torch::manual_seed(3);
    UNet2DConditionModel unet(smallUNet());
    unet->to(torch::kFloat64);
    UNet2DConditionModel merged(smallUNet());
    merged->to(torch::kFloat64);
    {
      torch::NoGradGuard noGrad;
      const auto source = unet->named_parameters();
      for (auto& item : merged->named_parameters()) item.value().copy_(source[item.key()]);
    }
    torch::manual_seed(4);
    const at::Tensor sample = torch::randn({1, 4, 16, 16}, torch::kFloat64);
    const at::Tensor t = torch::tensor({500});
    torch::NoGradGuard noGrad;
    const at::Tensor before = unet->forward(sample, t, conditioning());
    LoraOptions o;
    o.rank = 4;
    o.alpha = 2;
    o.targets = {"to_q", "to_k", "to_v", "to_out.0", "ff.net.2", "proj_out"};
    const auto names = attachLora(*unet, o);
    QVERIFY(torch::equal(unet->forward(sample, t, conditioning()), before));  // up starts at zero

    // Give every adapter a non-zero B, then fold alpha/rank · B·A into the other model's weights.
    const auto modules = unet->named_modules();
    const auto targets = merged->named_modules();
    for (const std::string& name : names) {
      LoraAdapterImpl* adapter = adapterOf(*modules[name]);
      QVERIFY(adapter);
      adapter->up->weight.normal_(0, 0.05);
      auto* linear = targets[name]->as<torch::nn::LinearImpl>();
      linear->weight.add_(torch::matmul(adapter->up->weight, adapter->down->weight) * (o.alpha / o.rank));
    }
    const at::Tensor adapted = unet->forward(sample, t, conditioning());
    QVERIFY((adapted - before).abs().max().item<double>() > 1e-3);
    QVERIFY(torch::allclose(adapted, merged->forward(sample, t, conditioning()), 1e-10, 1e-12));
  }

  void onlyAdaptersTrainWhenTheBaseIsFrozen() {
    ClipTextConfig c;
    c.hiddenSize = 32, c.intermediateSize = 64, c.numHiddenLayers = 2, c.numAttentionHeads = 4;
    ClipTextModel text(c);
    for (auto& p : text->parameters()) p.set_requires_grad(false);
    LoraOptions o;
    o.targets = {"q_proj", "v_proj", "fc1"};
    o.rank = 2;
    QCOMPARE(attachLora(*text, o).size(), std::size_t(6));
    for (const auto& item : text->named_parameters())
      if (item.key().find(".lora.") != std::string::npos) item.value().data().normal_(0, 0.1);
    text->forward(torch::randint(0, 1000, {2, 7})).lastHiddenState.pow(2).mean().backward();
    for (const auto& item : text->named_parameters()) {
      const bool adapter = item.key().find(".lora.") != std::string::npos;
      QCOMPARE(item.value().grad().defined(), adapter);
    }
  }

  void filesRoundTrip_data() {
    QTest::addColumn<int>("family");
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("unetKey");
    QTest::addColumn<QString>("textKey");
    QTest::newRow("SD 1.x kohya") << int(ModelFamily::SD1) << int(LoraFormat::Kohya)
                                  << "lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight"
                                  << "lora_te_text_model_encoder_layers_0_self_attn_q_proj.alpha";
    QTest::newRow("SDXL kohya") << int(ModelFamily::SDXL) << int(LoraFormat::Kohya)
                                << "lora_unet_input_blocks_3_1_transformer_blocks_0_attn1_to_q.lora_up.weight"
                                << "lora_te2_text_model_encoder_layers_1_self_attn_v_proj.lora_down.weight";
    QTest::newRow("SD 1.x diffusers") << int(ModelFamily::SD1) << int(LoraFormat::Peft)
                                      << "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_out.0.lora_A.weight"
                                      << "text_encoder.text_model.encoder.layers.1.self_attn.q_proj.lora_B.weight";
    QTest::newRow("SDXL diffusers") << int(ModelFamily::SDXL) << int(LoraFormat::Peft)
                                    << "unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_k.lora_A.weight"
                                    << "text_encoder_2.text_model.encoder.layers.0.self_attn.v_proj.lora_A.weight";
  }

  void filesRoundTrip() {
    QFETCH(int, family);
    QFETCH(int, format);
    QFETCH(QString, unetKey);
    QFETCH(QString, textKey);
    StableDiffusionModel trained = smallModel(ModelFamily(family), 5);
    LoraOptions unetTargets;
    unetTargets.rank = 3;
    unetTargets.alpha = 6;
    std::size_t count = attachLora(*trained.unet, unetTargets).size();
    LoraOptions textTargets;
    textTargets.targets = {"q_proj", "v_proj"};
    textTargets.rank = 2;
    textTargets.alpha = 1;  // another scale than the UNet's: each component's in diffusers' metadata
    count += attachLora(*trained.textEncoder, textTargets).size();
    if (trained.textEncoder2) count += attachLora(*trained.textEncoder2, textTargets).size();
    for (torch::nn::Module* m : {static_cast<torch::nn::Module*>(trained.unet.get()),
                                 static_cast<torch::nn::Module*>(trained.textEncoder.get())})
      for (const auto& item : m->named_parameters())
        if (item.key().find(".lora.up.") != std::string::npos) item.value().data().normal_(0, 0.1);
    if (trained.textEncoder2)
      for (const auto& item : trained.textEncoder2->named_parameters())
        if (item.key().find(".lora.up.") != std::string::npos) item.value().data().normal_(0, 0.1);

    QTemporaryDir dir;
    const std::string file = dir.filePath("lora.safetensors").toStdString();
    saveLora(trained, file, LoraFormat(format), torch::kFloat32);
    const auto written = sds::io::SafetensorsFile::open(file);
    QVERIFY2(written.find(unetKey.toStdString()), qPrintable(unetKey));
    QVERIFY2(written.find(textKey.toStdString()), qPrintable(textKey));
    QCOMPARE(written.metadata().at("ss_network_alpha"), std::string("6"));
    if (LoraFormat(format) == LoraFormat::Peft) {
      // diffusers' adapter metadata: rank and alpha per component, the modules as PEFT matches them.
      const auto configs = readPeftAdapterMetadata(written.metadata().at(kLoraAdapterMetadataKey), "test");
      QCOMPARE(configs.at("unet").r, 3);
      QCOMPARE(configs.at("unet").loraAlpha.value_or(0), 6.0);
      QCOMPARE(configs.at("text_encoder").r, 2);
      QCOMPARE(configs.at("text_encoder").loraAlpha.value_or(0), 1.0);
      const auto& targets = configs.at("text_encoder").targetModules;
      QVERIFY(std::find(targets.begin(), targets.end(), "encoder.layers.1.self_attn.q_proj") != targets.end());
      QCOMPARE(configs.count("text_encoder_2"), std::size_t(trained.textEncoder2 ? 1 : 0));
    }

    StableDiffusionModel loaded = smallModel(ModelFamily(family), 5);
    QCOMPARE(loadLora(loaded, file), count);
    torch::NoGradGuard noGrad;
    torch::manual_seed(6);
    const at::Tensor sample = torch::randn({1, 4, 16, 16}, torch::kFloat64);
    const at::Tensor ids = torch::randint(0, 1000, {1, 7});
    // Equal up to the float32 rounding of the stored adapter weights.
    QVERIFY(torch::allclose(loaded.unet->forward(sample, torch::tensor({300}), conditioning()),
                            trained.unet->forward(sample, torch::tensor({300}), conditioning()), 1e-5, 1e-6));
    QVERIFY(torch::allclose(loaded.textEncoder->forward(ids).lastHiddenState,
                            trained.textEncoder->forward(ids).lastHiddenState, 1e-5, 1e-6));
    if (trained.textEncoder2)
      QVERIFY(torch::allclose(loaded.textEncoder2->forward(ids).textEmbeds, trained.textEncoder2->forward(ids).textEmbeds,
                              1e-5, 1e-6));
    QVERIFY_THROWS_EXCEPTION(WeightsError, loadLora(loaded, file));  // adapters already attached
  }

  // Files diffusers and PEFT write in other shapes than ours: no scale at all (alpha = rank, scale 1),
  // text encoder names without "text_model." (transformers 5.6 on), and PEFT's save_pretrained of one
  // model (a "base_model.model." prefix, the scale in adapter_config.json beside the file, one module
  // with its own alpha by alpha_pattern).
  void diffusersAndPeftFilesLoadWithTheirScale() {
    const std::string q = "down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q";
    const std::string k = "down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_k";
    const std::string te = "encoder.layers.0.self_attn.q_proj";
    const auto pair = [](std::map<std::string, at::Tensor>& t, const std::string& name, int64_t in, int64_t out) {
      t[name + ".lora_A.weight"] = torch::randn({2, in});
      t[name + ".lora_B.weight"] = torch::randn({out, 2});
    };
    QTemporaryDir dir;
    {
      std::map<std::string, at::Tensor> t;
      pair(t, "unet." + q, 64, 64);
      pair(t, "text_encoder." + te, 32, 32);  // flattened CLIPTextModel naming
      const std::string file = dir.filePath("plain.safetensors").toStdString();
      sds::io::saveTensors(file, t);
      StableDiffusionModel m = smallModel(ModelFamily::SD1, 1);
      QCOMPARE(loadLora(m, file), std::size_t(2));
      QCOMPARE(adapterAt(*m.unet, q)->alpha, 2.0);
      QCOMPARE(adapterAt(*m.textEncoder, te)->alpha, 2.0);
    }
    {
      QDir().mkpath(dir.filePath("peft"));
      std::map<std::string, at::Tensor> t;
      pair(t, "base_model.model." + q, 64, 64);
      pair(t, "base_model.model." + k, 64, 64);
      const std::string file = dir.filePath("peft/adapter_model.safetensors").toStdString();
      sds::io::saveTensors(file, t);
      QFile config(dir.filePath("peft/adapter_config.json"));
      QVERIFY(config.open(QIODevice::WriteOnly));
      config.write(R"({"peft_type": "LORA", "r": 2, "lora_alpha": 1, "alpha_pattern": {"attn1.to_k": 8},
                      "target_modules": ["to_q", "to_k"], "lora_dropout": 0.0})");
      config.close();
      StableDiffusionModel m = smallModel(ModelFamily::SD1, 1);
      QCOMPARE(loadLora(m, file), std::size_t(2));
      QCOMPARE(adapterAt(*m.unet, q)->alpha, 1.0);
      QCOMPARE(adapterAt(*m.unet, k)->alpha, 8.0);
    }
    {  // one model's save_lora_adapter: unprefixed keys and metadata
      std::map<std::string, at::Tensor> t;
      pair(t, q, 64, 64);
      const std::string file = dir.filePath("unet-adapter.safetensors").toStdString();
      sds::io::saveTensors(file, t, {{kLoraAdapterMetadataKey, R"({"r": 2, "lora_alpha": 4, "target_modules": ["to_q"]})"}});
      StableDiffusionModel m = smallModel(ModelFamily::SD1, 1);
      QCOMPARE(loadLora(m, file), std::size_t(1));
      QCOMPARE(adapterAt(*m.unet, q)->alpha, 4.0);
    }
    {
      std::map<std::string, at::Tensor> t;
      pair(t, "unet." + q, 64, 64);
      const std::string file = dir.filePath("broken.safetensors").toStdString();
      sds::io::saveTensors(file, t, {{kLoraAdapterMetadataKey, R"({"unet.r": 2, "unet.lora_alpha": "four"})"}});
      StableDiffusionModel m = smallModel(ModelFamily::SD1, 1);
      try {
        loadLora(m, file);
        QFAIL("loaded a file with a malformed lora_alpha");
      } catch (const WeightsError& e) {
        QVERIFY2(QString(e.what()).contains("unet.lora_alpha") && QString(e.what()).contains("positive number"), e.what());
      }
    }
  }

  void foreignLoraFilesAreRefused() {
    StableDiffusionModel model = smallModel(ModelFamily::SD1, 1);
    QTemporaryDir dir;
    const std::string file = dir.filePath("x.safetensors").toStdString();
    sds::io::saveTensors(file, {{"lora_unet_no_such_layer.lora_down.weight", torch::zeros({2, 8})},
                                {"lora_unet_no_such_layer.lora_up.weight", torch::zeros({8, 2})}});
    try {
      loadLora(model, file);
      QFAIL("loaded a LoRA for layers the model does not have");
    } catch (const WeightsError& e) {
      QVERIFY2(QString(e.what()).contains("lora_unet_no_such_layer"), e.what());
    }
    sds::io::saveTensors(file, {{"something", torch::zeros({2})}});
    QVERIFY_THROWS_EXCEPTION(WeightsError, loadLora(model, file));
  }

  // A stranger's kohya file that names real layers but cannot be applied: refused with the key and the
  // reason, and the model left without any adapter (nothing is attached before everything is checked).
  void badKohyaFilesLeaveTheModelAlone() {
    // The good key sorts before the bad one, so it is read first.
    const std::string good = "lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_k";
    const std::string bad = "lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q";
    const auto pair = [](std::map<std::string, at::Tensor>& t, const std::string& name, int64_t rank) {
      t[name + ".lora_down.weight"] = torch::randn({rank, 64});
      t[name + ".lora_up.weight"] = torch::randn({64, rank});
    };
    struct Case {
      const char* what;
      std::function<void(std::map<std::string, at::Tensor>&)> spoil;
      const char* expected;
    };
    const std::vector<Case> cases{
        {"rank 0", [&](auto& t) { pair(t, bad, 0); }, "rank 0"},
        {"a NaN weight", [&](auto& t) { pair(t, bad, 2); t[bad + ".lora_up.weight"][3][1] = NAN; }, "not finite"},
        {"an infinite alpha", [&](auto& t) { pair(t, bad, 2); t[bad + ".alpha"] = torch::tensor(INFINITY); }, "finite number"},
        {"two alphas", [&](auto& t) { pair(t, bad, 2); t[bad + ".alpha"] = torch::ones({2}); }, "expected one number"},
        {"a missing up weight", [&](auto& t) { pair(t, bad, 2); t.erase(bad + ".lora_up.weight"); }, "is missing"},
    };
    QTemporaryDir dir;
    const std::string file = dir.filePath("bad.safetensors").toStdString();
    for (const Case& c : cases) {
      std::map<std::string, at::Tensor> t;
      pair(t, good, 2);
      c.spoil(t);
      sds::io::saveTensors(file, t);
      StableDiffusionModel m = smallModel(ModelFamily::SD1, 1);
      try {
        loadLora(m, file);
        QFAIL(c.what);
      } catch (const WeightsError& e) {
        QVERIFY2(QString(e.what()).contains(bad.c_str()) && QString(e.what()).contains(c.expected), e.what());
      }
      for (const auto& item : m.unet->named_modules("", false))
        QVERIFY2(item.key().find(".lora") == std::string::npos, (std::string(c.what) + ": " + item.key()).c_str());
    }
  }

  // A stranger's adapter config: ranks must be integers an int holds (a float beyond one used to be
  // converted with undefined behaviour).
  void peftRanksMustBeIntegers() {
    QCOMPARE(readPeftAdapterConfig(R"({"r": 8, "rank_pattern": {"a": 4}})", "c").rankPattern.at("a"), 4);
    for (const char* config : {R"({"r": 1e300})", R"({"r": 8.5})", R"({"r": 4294967297})", R"({"r": -2})",
                               R"({"r": 8, "rank_pattern": {"a": 1e300}})", R"({"r": 8, "rank_pattern": {"a": 2.5}})"}) {
      try {
        readPeftAdapterConfig(config, "adapter_config.json");
        QFAIL(config);
      } catch (const std::runtime_error& e) {
        QVERIFY2(QString(e.what()).contains("adapter_config.json"), e.what());
      }
    }
  }
};

QTEST_GUILESS_MAIN(TestLora)
#include "test_lora.moc"
