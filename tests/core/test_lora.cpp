// LoRA adapters: attached where the targets say, neutral at the start, the same as merging B·A into the
// weights, and the only thing that trains when the base is frozen.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include "models/clip_text_model.h"
#include "models/lora.h"
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
};

QTEST_GUILESS_MAIN(TestLora)
#include "test_lora.moc"
