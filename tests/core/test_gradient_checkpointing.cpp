// Gradient checkpointing: the same gradients as without it, for every UNet parameter and the input, in
// each scope; and which blocks each scope recomputes.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include "models/checkpoint_scope.h"
#include "models/gradient_checkpointing.h"
#include "models/unet_blocks.h"
#include "models/unet_2d_condition.h"

using namespace sds::models;

namespace {

UNetConfig smallUNet(bool xl) {
  UNetConfig c = UNetConfig::preset(xl ? "sdxl" : "sd15");
  if (xl) {
    c.blockOutChannels = {32, 64, 64};
    c.attentionHeads = {2, 4, 4};
    c.transformerLayersPerBlock = {1, 1, 2};
    c.crossAttentionDim = {32};
    c.additionTimeEmbedDim = 8;
    c.projectionClassEmbeddingsInputDim = 16 + 6 * 8;
  } else {
    c.blockOutChannels = {32, 64, 64, 64};
    c.crossAttentionDim = {32};
  }
  c.layersPerBlock = 1;
  return c;
}

std::map<std::string, at::Tensor> gradients(UNet2DConditionModel& unet, CheckpointScope scope, at::Tensor& inputGrad,
                                            bool xl) {
  torch::manual_seed(21);
  at::Tensor sample = torch::randn({2, 4, 16, 16}, torch::kFloat64).requires_grad_(true);
  UNetConditioning cond;
  cond.encoderHiddenStates = torch::randn({2, 7, 32}, torch::kFloat64);
  if (xl) {
    cond.textEmbeds = torch::randn({2, 16}, torch::kFloat64);
    cond.timeIds = torch::tensor({64., 64., 0., 0., 64., 64.}, torch::kFloat64).repeat({2, 1});
  }
  unet->zero_grad();
  unet->setGradientCheckpointing(scope);
  const at::Tensor out = unet->forward(sample, torch::tensor({10, 700}), cond);
  (out * out).mean().backward();
  inputGrad = sample.grad().clone();
  std::map<std::string, at::Tensor> grads;
  for (const auto& item : unet->named_parameters())
    grads[item.key()] = item.value().grad().defined() ? item.value().grad().clone() : at::Tensor();
  return grads;
}

}  // namespace

class TestCheckpointing : public QObject {
  Q_OBJECT

 private slots:
  void sameGradients_data() {
    QTest::addColumn<bool>("xl");
    QTest::addColumn<QString>("scope");
    QTest::newRow("SD 1.x layout, all") << false << "all";
    QTest::newRow("SDXL layout, all") << true << "all";
    QTest::newRow("SD 1.x layout, attention") << false << "attention";
    QTest::newRow("SD 1.x layout, resnets") << false << "resnets";
    QTest::newRow("SDXL layout, alternate") << true << "alternate";
  }

  void sameGradients() {
    QFETCH(bool, xl);
    QFETCH(QString, scope);
    torch::manual_seed(1);
    UNet2DConditionModel unet(smallUNet(xl));
    unet->to(torch::kFloat64);
    unet->train();
    at::Tensor plainInput, checkpointedInput;
    const auto plain = gradients(unet, CheckpointScope::None, plainInput, xl);
    const auto checkpointed = gradients(unet, *checkpointScopeNamed(scope.toStdString()), checkpointedInput, xl);
    QVERIFY(plainInput.abs().sum().item<double>() > 0);
    QVERIFY(torch::allclose(plainInput, checkpointedInput, 1e-12, 1e-14));
    QCOMPARE(checkpointed.size(), plain.size());
    for (const auto& [name, grad] : plain) {
      QVERIFY2(grad.defined(), ("no gradient without checkpointing: " + name).c_str());
      QVERIFY2(checkpointed.at(name).defined(), ("no gradient with checkpointing: " + name).c_str());
      QVERIFY2(torch::allclose(grad, checkpointed.at(name), 1e-12, 1e-14), name.c_str());
    }
  }

  // Counted over the blocks: (resnets, transformers) recomputed.
  void eachScopePicksItsBlocks() {
    UNet2DConditionModel unet(smallUNet(false));  // 4 down levels of 1 layer, mid, 4 up levels of 2
    const auto counted = [&](CheckpointScope scope) {
      unet->setGradientCheckpointing(scope);
      std::pair<int, int> n{0, 0};
      const auto add = [&](const PieceCheckpointing& c) {
        for (bool b : c.resnets) n.first += b;
        for (bool b : c.attentions) n.second += b;
      };
      for (const auto& b : *unet->down_blocks) add(b->as<DownBlockImpl>()->checkpointing);
      add(unet->mid_block->as<MidBlockImpl>()->checkpointing);
      for (const auto& b : *unet->up_blocks) add(b->as<UpBlockImpl>()->checkpointing);
      return n;
    };
    // SD 1.x: resnets 4 + 2 + 8 = 14, transformers 3 + 1 + 6 = 10 (none at the lowest level).
    QCOMPARE(counted(CheckpointScope::All), std::make_pair(14, 10));
    QCOMPARE(counted(CheckpointScope::None), std::make_pair(0, 0));
    QCOMPARE(counted(CheckpointScope::Attention), std::make_pair(0, 10));
    QCOMPARE(counted(CheckpointScope::Resnets), std::make_pair(14, 0));
    const auto alternate = counted(CheckpointScope::Alternate);
    QCOMPARE(alternate.first + alternate.second, 12);  // every other of the 24 pieces in running order
    QVERIFY(alternate.first > 0 && alternate.second > 0);
  }

  void plainCallWithoutGradients() {
    int calls = 0;
    const CheckpointedFunction twice = [&](const std::vector<at::Tensor>& in) {
      ++calls;
      return in[0] * 2;
    };
    {
      torch::NoGradGuard noGrad;
      QVERIFY(torch::equal(gradientCheckpoint(twice, {torch::ones({2})}), torch::full({2}, 2.0)));
    }
    QCOMPARE(calls, 1);
    at::Tensor x = torch::ones({2}).requires_grad_(true);
    gradientCheckpoint(twice, {x}).sum().backward();
    QCOMPARE(calls, 3);  // once forward, once recomputed in backward
    QVERIFY(torch::equal(x.grad(), torch::full({2}, 2.0)));
  }

  // LoRA on a frozen model: no input requires grad, only a parameter used inside the function. Its
  // gradient must still arrive, and equal the one without checkpointing.
  void parametersInsideWhenNoInputRequiresGrad() {
    const at::Tensor frozen = torch::randn({3, 3}, torch::kFloat64);
    at::Tensor adapter = torch::randn({3, 3}, torch::kFloat64).requires_grad_(true);
    const at::Tensor x = torch::randn({4, 3}, torch::kFloat64);
    const CheckpointedFunction layer = [&](const std::vector<at::Tensor>& in) {
      return torch::tanh(torch::matmul(in[0], frozen) + torch::matmul(in[0], adapter));
    };
    layer({x}).pow(2).sum().backward();
    const at::Tensor expected = adapter.grad().clone();
    adapter.mutable_grad() = at::Tensor();
    const at::Tensor out = gradientCheckpoint(layer, {x});
    QVERIFY(out.requires_grad());
    out.pow(2).sum().backward();
    QVERIFY(adapter.grad().defined());
    QVERIFY(torch::allclose(adapter.grad(), expected, 1e-12, 1e-12));
  }
};

QTEST_GUILESS_MAIN(TestCheckpointing)
#include "test_gradient_checkpointing.moc"
