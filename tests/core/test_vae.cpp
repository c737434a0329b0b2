// AutoencoderKL against diffusers (golden/sd15_vae): encode's posterior and decode, in float64 and
// float32; the SD VAE's size and names; older attention names and conv-shaped kernels; the loader's
// refusals; seeded sampling; decoding one image at a time and in tiles.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include "tensor_compare.h"
#include "test_files.h"
#include "io/config_error.h"
#include "models/io/torch_tensors.h"
#include "models/autoencoder_kl.h"
#include "models/io/weights.h"
#include "models/vae_decoding.h"

using namespace sds;
using namespace sds::models;

class TestVae : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { SDS_REQUIRE_FIXTURES(); }

  void configIsRead() {
    const AutoencoderKlConfig sd = AutoencoderKlConfig::fromFile(fixturePath("tiny-sd15/vae/config.json"));
    QCOMPARE(sd.blockOutChannels, (std::vector<int64_t>{32, 32, 64, 64}));
    QCOMPARE(sd.layersPerBlock, int64_t(2));
    QCOMPARE(sd.latentChannels, int64_t(4));
    QCOMPARE(sd.scalingFactor, 0.18215);
    QVERIFY(!sd.shiftFactor);
    QVERIFY(sd.latentsMean.empty());
    QVERIFY(sd.forceUpcast);
    QCOMPARE(AutoencoderKlConfig::fromFile(fixturePath("tiny-sdxl/vae/config.json")).scalingFactor, 0.13025);
    QCOMPARE(AutoencoderKlConfig::preset("sd").scalingFactor, 0.18215);
    QCOMPARE(AutoencoderKlConfig::preset("sdxl").scalingFactor, 0.13025);
  }

  void sd15MatchesDiffusers_data() { addPrecisionRows(); }

  void sd15MatchesDiffusers() {
    QFETCH(int, dtype);
    QFETCH(double, bound);
    const auto type = c10::ScalarType(dtype);
    auto golden = io::loadTensors(fixturePath("golden/sd15_vae.safetensors"));
    AutoencoderKl vae = loadAutoencoderKl(fixturePath("tiny-sd15/vae"), type);
    torch::NoGradGuard noGrad;
    const LatentDistribution posterior = vae->encode(golden["image"].to(type));
    COMPARE_CLOSE(posterior.mean, golden["latent_mean"], bound);
    COMPARE_CLOSE(posterior.logvar, golden["latent_logvar"], bound);
    const at::Tensor decoded = vae->decode(golden["latent_in"].to(type));
    QCOMPARE(decoded.sizes(), golden["decoded"].sizes());
    COMPARE_CLOSE(decoded, golden["decoded"], bound);
  }

  void sdxlVaeLoadsAndRuns() {
    AutoencoderKl vae = loadAutoencoderKl(fixturePath("tiny-sdxl/vae"), torch::kFloat32);
    QCOMPARE(vae->config.scalingFactor, 0.13025);
    torch::NoGradGuard noGrad;
    const LatentDistribution posterior = vae->encode(torch::rand({1, 3, 64, 48}) * 2 - 1);
    QCOMPARE(posterior.mean.sizes(), (c10::IntArrayRef{1, 4, 8, 6}));
    QCOMPARE(posterior.logvar.sizes(), (c10::IntArrayRef{1, 4, 8, 6}));
    const at::Tensor image = vae->decode(posterior.mean);
    QCOMPARE(image.sizes(), (c10::IntArrayRef{1, 3, 64, 48}));
    QVERIFY(torch::isfinite(image).all().item<bool>());
  }

  void parameterNamesAreDiffusers() {
    AutoencoderKl vae(AutoencoderKlConfig::preset("sd"));
    int64_t count = 0;
    for (const auto& p : vae->named_parameters()) count += p.value().numel();
    QCOMPARE(count, int64_t(83653863));  // the SD 1.x/2.x VAE
    const auto names = vae->named_parameters();
    for (const char* name :
         {"encoder.down_blocks.0.resnets.0.conv1.weight", "decoder.up_blocks.3.resnets.2.conv2.weight",
          "encoder.mid_block.attentions.0.to_q.weight", "decoder.mid_block.attentions.0.to_out.0.bias",
          "encoder.down_blocks.2.downsamplers.0.conv.weight", "decoder.up_blocks.0.upsamplers.0.conv.bias",
          "encoder.down_blocks.1.resnets.0.conv_shortcut.weight", "quant_conv.weight", "post_quant_conv.bias"})
      QVERIFY2(names.contains(name), name);
    QVERIFY(!names.contains("encoder.down_blocks.3.downsamplers.0.conv.weight"));
    QVERIFY(!names.contains("decoder.up_blocks.3.upsamplers.0.conv.weight"));
    QVERIFY(!names.contains("encoder.down_blocks.0.resnets.0.time_emb_proj.weight"));
  }

  void legacyAttentionNamesLoad() {
    QCOMPARE(vaeParameterName("encoder.mid_block.attentions.0.query.weight"),
             std::string("encoder.mid_block.attentions.0.to_q.weight"));
    QCOMPARE(vaeParameterName("decoder.mid_block.attentions.0.proj_attn.bias"),
             std::string("decoder.mid_block.attentions.0.to_out.0.bias"));
    QCOMPARE(vaeParameterName("decoder.mid_block.attentions.0.group_norm.weight"),
             std::string("decoder.mid_block.attentions.0.group_norm.weight"));
    QCOMPARE(vaeParameterName("encoder.conv_in.weight"), std::string("encoder.conv_in.weight"));

    // The fixture's weights as an older file stores them: old names, attention kernels as 1×1 convs.
    const std::map<std::string, std::string> legacy{{"to_q", "query"}, {"to_k", "key"}, {"to_v", "value"},
                                                    {"to_out.0", "proj_attn"}};
    std::map<std::string, at::Tensor> renamed;
    for (const auto& [key, tensor] : io::loadTensors(fixturePath("tiny-sd15/vae/diffusion_pytorch_model.safetensors"))) {
      std::string name = key;
      at::Tensor value = tensor;
      for (const auto& [current, old] : legacy) {
        const std::string marker = ".attentions.0." + current + ".";
        const auto at = key.find(marker);
        if (at == std::string::npos) continue;
        name = key.substr(0, at) + ".attentions.0." + old + "." + key.substr(at + marker.size());
        if (value.dim() == 2) value = value.reshape({value.size(0), value.size(1), 1, 1});
      }
      renamed[name] = value.contiguous();
    }
    QVERIFY(renamed.count("encoder.mid_block.attentions.0.query.weight"));
    QCOMPARE(renamed["decoder.mid_block.attentions.0.proj_attn.weight"].dim(), int64_t(4));
    QTemporaryDir dir;
    writeFile(dir.filePath("config.json"), readFile(fixture("tiny-sd15/vae/config.json")));
    io::saveTensors(dir.filePath("diffusion_pytorch_model.safetensors").toStdString(), renamed);

    AutoencoderKl current = loadAutoencoderKl(fixturePath("tiny-sd15/vae"), torch::kFloat32);
    AutoencoderKl old = loadAutoencoderKl(dir.path().toStdString(), torch::kFloat32);
    auto golden = io::loadTensors(fixturePath("golden/sd15_vae.safetensors"));
    torch::NoGradGuard noGrad;
    QVERIFY(torch::equal(old->encode(golden["image"]).mean, current->encode(golden["image"]).mean));
    QVERIFY(torch::equal(old->decode(golden["latent_in"]), current->decode(golden["latent_in"])));
  }

  void badWeightsAreRefusedByName() {
    auto weights = io::loadTensors(fixturePath("tiny-sd15/vae/diffusion_pytorch_model.safetensors"));
    const AutoencoderKlConfig config = AutoencoderKlConfig::fromFile(fixturePath("tiny-sd15/vae/config.json"));
    auto expectError = [&](std::map<std::string, at::Tensor> tensors, const QString& fragment) {
      AutoencoderKl vae(config);
      try {
        loadAutoencoderKlWeights(*vae, tensors, "vae.safetensors");
        QFAIL("no error");
      } catch (const WeightsError& e) {
        QVERIFY2(QString(e.what()).contains(fragment), e.what());
        QVERIFY2(QString(e.what()).startsWith("vae.safetensors: "), e.what());
      }
    };
    auto missing = weights;
    missing.erase("decoder.up_blocks.2.resnets.1.norm2.bias");
    expectError(missing, "missing weight \"decoder.up_blocks.2.resnets.1.norm2.bias\"");
    auto extra = weights;
    extra["encoder.down_blocks.3.downsamplers.0.conv.bias"] = torch::zeros({64});
    expectError(extra, "unexpected weight \"encoder.down_blocks.3.downsamplers.0.conv.bias\"");
    auto misshapen = weights;
    misshapen["quant_conv.weight"] = torch::zeros({8, 8, 3, 3});
    expectError(misshapen, "weight \"quant_conv.weight\" has shape [8, 8, 3, 3], the model expects [8, 8, 1, 1]");
  }

  void unsupportedConfigIsRefused_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("down block") << QByteArray(R"({"block_out_channels": [32, 64], "down_block_types":
        ["DownEncoderBlock2D", "AttnDownEncoderBlock2D"], "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"]})")
                                << "\"down_block_types\" names \"AttnDownEncoderBlock2D\", which SD Studio does not "
                                   "support";
    QTest::newRow("up block") << QByteArray(R"({"up_block_types": ["AttnUpDecoderBlock2D"]})")
                              << "\"up_block_types\" names \"AttnUpDecoderBlock2D\"";
    QTest::newRow("level count") << QByteArray(R"({"block_out_channels": [32, 64]})")
                                 << "\"down_block_types\" has 1 entries but block_out_channels has 2";
    QTest::newRow("activation") << QByteArray(R"({"act_fn": "gelu"})") << "\"act_fn\" is \"gelu\"";
    QTest::newRow("groups") << QByteArray(R"({"block_out_channels": [48], "norm_num_groups": 32})")
                            << "\"block_out_channels\" is [48]";
    QTest::newRow("class") << QByteArray(R"({"_class_name": "AutoencoderTiny"})")
                           << "\"_class_name\" is \"AutoencoderTiny\"";
    // Floats where integers belong, beyond any integer's range: refused, never cast.
    QTest::newRow("float channels") << QByteArray(R"({"block_out_channels": [1e300, 64, 64, 64]})")
                                    << "\"block_out_channels\" has the value [1e+300,64,64,64] of the wrong type";
    QTest::newRow("float latent channels") << QByteArray(R"({"latent_channels": 4.5})")
                                           << "\"latent_channels\" has the value 4.5 of the wrong type";
  }

  void unsupportedConfigIsRefused() {
    QFETCH(QByteArray, json);
    QFETCH(QString, fragment);
    QTemporaryDir dir;
    const QString file = dir.filePath("config.json");
    writeFile(file, json);
    try {
      AutoencoderKlConfig::fromFile(file.toStdString());
      QFAIL("no error");
    } catch (const io::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(fragment), e.what());
      QVERIFY2(QString(e.what()).startsWith(file), e.what());
    }
  }

  void missingKeysTakeDiffusersDefaults() {
    QTemporaryDir dir;
    const QString file = dir.filePath("config.json");
    writeFile(file, R"({"_class_name": "AutoencoderKL", "shift_factor": 0.1159, "sample_size": [1024, 1024]})");
    const AutoencoderKlConfig c = AutoencoderKlConfig::fromFile(file.toStdString());
    QCOMPARE(c.blockOutChannels, (std::vector<int64_t>{64}));
    QCOMPARE(c.layersPerBlock, int64_t(1));
    QCOMPARE(c.sampleSize, int64_t(1024));
    QVERIFY(c.shiftFactor);
    QCOMPARE(*c.shiftFactor, 0.1159);
  }

  void samplingIsSeeded() {
    AutoencoderKl vae = loadAutoencoderKl(fixturePath("tiny-sd15/vae"), torch::kFloat32);
    auto golden = io::loadTensors(fixturePath("golden/sd15_vae.safetensors"));
    torch::NoGradGuard noGrad;
    const LatentDistribution posterior = vae->encode(golden["image"]);
    at::Generator a = at::detail::createCPUGenerator(42), b = at::detail::createCPUGenerator(42);
    at::Generator c = at::detail::createCPUGenerator(43);
    const at::Tensor first = posterior.sample(&a), again = posterior.sample(&b), other = posterior.sample(&c);
    QCOMPARE(first.sizes(), posterior.mean.sizes());
    QVERIFY(torch::equal(first, again));
    QVERIFY(!torch::equal(first, other));
    // The draw is mean + std * N(0, 1), with the noise of the generator's own stream.
    at::Generator d = at::detail::createCPUGenerator(42);
    const at::Tensor noise = at::randn(posterior.mean.sizes(), d, posterior.mean.options());
    QVERIFY(torch::allclose(first, posterior.mean + torch::exp(0.5 * posterior.logvar) * noise));
  }

  // A decoder that does not care where a tile is (each latent becomes a block of pixels) must come
  // out of the tiling exactly as from one pass: the tiles, their overlap, blending and cropping fit.
  void tilesCoverTheImageAndBlendSeamlessly() {
    const auto blockDecoder = [](const at::Tensor& z) {
      return z.slice(1, 0, 3).repeat_interleave(4, 2).repeat_interleave(4, 3);
    };
    for (const auto& [h, w] : {std::pair<int64_t, int64_t>{21, 37}, {8, 8}, {9, 30}, {40, 6}}) {
      const at::Tensor z = torch::randn({1, 4, h, w}, torch::kFloat64);
      const at::Tensor tiled = decodeInTiles(z, 8, 4, blockDecoder);
      QCOMPARE(tiled.sizes(), blockDecoder(z).sizes());
      QVERIFY(torch::allclose(tiled, blockDecoder(z), 1e-12, 1e-12));
    }
    // Blending: a decoder that adds its tile's position shows the seams fading over a quarter tile.
    int tile = 0;
    const auto marked = [&](const at::Tensor& z) { return blockDecoder(z) * 0 + double(tile++); };
    const at::Tensor ramp = decodeInTiles(torch::zeros({1, 4, 8, 14}), 8, 4, marked);  // tiles at columns 0, 6, 12
    QCOMPARE(ramp[0][0][0][0].item<double>(), 0.0);
    QCOMPARE(ramp[0][0][0][24].item<double>(), 0.0);                // the second tile starts at 24 px: all the first's
    QCOMPARE(ramp[0][0][0][24 + 4].item<double>(), 0.5);            // halfway through the 8 px of blending
    QCOMPARE(ramp[0][0][0][24 + 8].item<double>(), 1.0);
  }

  void decodingIsBoundedAndFaithful() {
    AutoencoderKl vae = loadAutoencoderKl(fixturePath("tiny-sd15/vae"), torch::kFloat32);
    torch::NoGradGuard noGrad;
    torch::manual_seed(4);
    // One image at a time is the batch's own result.
    const at::Tensor batch = torch::randn({3, 4, 6, 5});
    QVERIFY(torch::allclose(decodeLatents(*vae, batch, VaeTiling::Off), vae->decode(batch), 1e-5, 1e-5));
    // Auto leaves images up to twice the sample size (64 px, 8 latents) whole.
    const at::Tensor mid = torch::randn({1, 4, 16, 12});
    QVERIFY(torch::equal(decodeLatents(*vae, mid, VaeTiling::Auto), decodeLatents(*vae, mid, VaeTiling::Off)));
    // In tiles of 8 latents, 6 apart: the size of the whole; where only the first tile reaches (up to
    // 48 px, where the next begins to blend in), exactly that tile decoded alone. (How close tiles come
    // to the whole depends on the VAE: each tile normalises over its own pixels. For this random one
    // and tiles of 64 px they differ by half the image's spread; diffusers' tiles are 512 px.)
    const at::Tensor large = torch::randn({2, 4, 20, 13});
    const at::Tensor whole = decodeLatents(*vae, large, VaeTiling::Off);
    const at::Tensor tiled = decodeLatents(*vae, large, VaeTiling::On);
    QCOMPARE(tiled.sizes(), whole.sizes());
    QVERIFY(!torch::allclose(tiled, whole));
    QVERIFY(torch::equal(decodeLatents(*vae, large, VaeTiling::Auto), tiled));  // 20 > 2 × 8
    const at::Tensor first = vae->decode(large.slice(0, 1, 2).slice(2, 0, 8).slice(3, 0, 8));
    QVERIFY(torch::allclose(tiled.slice(0, 1, 2).slice(2, 0, 48).slice(3, 0, 48), first.slice(2, 0, 48).slice(3, 0, 48),
                            1e-5, 1e-5));
  }

  void logvarIsClamped() {
    const at::Tensor moments = torch::cat({torch::zeros({1, 4, 2, 2}), torch::full({1, 4, 2, 2}, 100.0)}, 1);
    LatentDistribution high = LatentDistribution::fromMoments(moments);
    QCOMPARE(high.logvar.max().item<double>(), 20.0);
    LatentDistribution low = LatentDistribution::fromMoments(-moments);
    QCOMPARE(low.logvar.min().item<double>(), -30.0);
    QCOMPARE(low.mean.sizes(), (c10::IntArrayRef{1, 4, 2, 2}));
  }
};

QTEST_GUILESS_MAIN(TestVae)
#include "test_vae.moc"
