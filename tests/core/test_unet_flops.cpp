// The analytic FLOP count of `sdtrain bench` against an independent count: every convolution and
// linear layer of a constructed UNet, from its weight shapes and the resolution its name says it
// runs at, plus the attention products. SD 1.5 and SDXL layouts at reduced widths (same structure).

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include "models/unet_2d_condition.h"
#include "models/unet_flops.h"

using namespace sds;

namespace {

int indexAfter(const std::string& name, const std::string& prefix) {
  const std::size_t at = name.find(prefix);
  return at == std::string::npos ? -1 : std::stoi(name.substr(at + prefix.size()));
}

// Counts from the module tree: 2 × weight elements × output positions for each conv and linear layer.
double countFromModules(models::UNet2DConditionModel& unet, std::int64_t side, std::int64_t tokens) {
  const models::UNetConfig& c = unet->config;
  const int levels = int(c.blockOutChannels.size());
  auto levelPixels = [&](int level) { return double(side >> level) * double(side >> level); };
  double flops = 0;
  for (const auto& item : unet->named_modules()) {
    const std::string& name = item.key();
    // The level a layer runs at, from where it sits.
    int level = 0;
    if (int i = indexAfter(name, "down_blocks."); i >= 0) level = name.find("downsamplers") != std::string::npos ? i + 1 : i;
    if (name.rfind("mid_block", 0) == 0) level = levels - 1;
    if (int i = indexAfter(name, "up_blocks."); i >= 0)
      level = name.find("upsamplers") != std::string::npos ? levels - 2 - i : levels - 1 - i;
    const double pixels = levelPixels(level);
    if (auto* conv = item.value()->as<torch::nn::Conv2d>()) {
      flops += 2.0 * double(conv->weight.numel()) * pixels;
    } else if (auto* linear = item.value()->as<torch::nn::Linear>()) {
      double rows = pixels;
      if (name.find("time_emb") != std::string::npos || name.find("add_embedding") != std::string::npos) rows = 1;
      if (name.find("attn2.to_k") != std::string::npos || name.find("attn2.to_v") != std::string::npos) rows = double(tokens);
      flops += 2.0 * double(linear->weight.numel()) * rows;
    } else if (name.size() > 5 && (name.compare(name.size() - 5, 5, "attn1") == 0 || name.compare(name.size() - 5, 5, "attn2") == 0)) {
      // Scores and weighted values, over all heads: 2 × 2 × queries × keys × channels.
      const std::string own = name.substr(0, name.size() - 6);
      std::int64_t channels = 0;
      for (const auto& p : unet->named_parameters())
        if (p.key() == name + ".to_q.weight") channels = p.value().size(0);
      const double keys = name.back() == '1' ? pixels : double(tokens);
      flops += 4.0 * pixels * keys * double(channels);
    }
  }
  return flops;
}

}  // namespace

class TestUNetFlops : public QObject {
  Q_OBJECT
 private slots:
  void matchesTheModulesOfSd15Layout() {
    models::UNetConfig c = models::UNetConfig::preset("sd15");
    c.blockOutChannels = {32, 64, 128, 128};
    c.crossAttentionDim = {48};
    c.attentionHeads = {2};
    c.normNumGroups = 8;
    models::UNet2DConditionModel unet(c);
    const double analytic = models::unetForwardFlops(c, 1, 32, 32, 77);
    const double counted = countFromModules(unet, 32, 77);
    QVERIFY2(std::abs(analytic - counted) / counted < 1e-3,
             qPrintable(QString("analytic %1 counted %2").arg(analytic).arg(counted)));
    QCOMPARE(models::unetForwardFlops(c, 4, 32, 32, 77), 4 * analytic);
  }

  void matchesTheModulesOfSdxlLayout() {
    models::UNetConfig c = models::UNetConfig::preset("sdxl");
    c.blockOutChannels = {32, 64, 128};
    c.crossAttentionDim = {64};
    c.attentionHeads = {2, 4, 8};
    c.normNumGroups = 8;
    c.additionTimeEmbedDim = 16;
    c.projectionClassEmbeddingsInputDim = 6 * 16 + 32;
    models::UNet2DConditionModel unet(c);
    const double analytic = models::unetForwardFlops(c, 1, 32, 32, 77);
    const double counted = countFromModules(unet, 32, 77);
    QVERIFY2(std::abs(analytic - counted) / counted < 1e-3,
             qPrintable(QString("analytic %1 counted %2").arg(analytic).arg(counted)));
  }

  // The real SD 1.5 shape at 512 px, for the record (and as a guard against silent changes).
  void sd15At512() {
    const double gflop = models::unetForwardFlops(models::UNetConfig::preset("sd15"), 1, 64, 64, 77) / 1e9;
    qInfo("SD 1.5 UNet forward at 512 px: %.1f GFLOP", gflop);
    QVERIFY(gflop > 500 && gflop < 1000);
  }
};

QTEST_GUILESS_MAIN(TestUNetFlops)
#include "test_unet_flops.moc"
