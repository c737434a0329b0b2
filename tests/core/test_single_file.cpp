// Single-file checkpoints in the original (LDM) layout: the name mapping against names of real SD 1.5
// checkpoints, tiny-sd15-single.safetensors against the tiny-sd15 folder, derived configs, writing and
// reading back SD 1.x, SD 2.x and SDXL files, and files that are not what they claim to be.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "pipelines/txt2img.h"
#include "io/config_error.h"
#include "io/safetensors.h"
#include "models/io/torch_tensors.h"
#include "models/io/ldm_configs.h"
#include "models/io/ldm_names.h"
#include "models/clip_text_model.h"
#include "models/io/model_loader.h"
#include "models/io/single_file_model.h"
#include "models/io/weights.h"
#include "tensor_compare.h"
#include "test_files.h"

using namespace sds;
using models::ModelFamily;

namespace {

std::map<std::string, at::Tensor> parameters(torch::nn::Module& module) {
  std::map<std::string, at::Tensor> out;
  for (const auto& item : module.named_parameters()) out.emplace(item.key(), item.value());
  return out;
}

// Every parameter of `a` equals `b`'s after rounding `b` to `roundTo`; names the first that differs.
QString sameParameters(torch::nn::Module& a, torch::nn::Module& b, c10::ScalarType roundTo) {
  const auto pa = parameters(a), pb = parameters(b);
  if (pa.size() != pb.size()) return QString("%1 vs %2 parameters").arg(pa.size()).arg(pb.size());
  for (const auto& [name, value] : pa) {
    const auto it = pb.find(name);
    if (it == pb.end()) return QString::fromStdString("missing " + name);
    if (value.sizes() != it->second.sizes()) return QString::fromStdString("shape of " + name);
    const at::Tensor expected = it->second.to(roundTo).to(value.scalar_type());
    if (!torch::equal(value, expected)) return QString::fromStdString("values of " + name);
  }
  return {};
}

#define VERIFY_SAME(a, b, roundTo)                                    \
  do {                                                                \
    const QString difference_ = sameParameters(a, b, roundTo);        \
    QVERIFY2(difference_.isEmpty(), qPrintable(difference_));         \
  } while (false)

void compareUNetConfigs(const models::UNetConfig& a, const models::UNetConfig& b) {
  QCOMPARE(a.inChannels, b.inChannels);
  QCOMPARE(a.outChannels, b.outChannels);
  QCOMPARE(a.downBlockTypes, b.downBlockTypes);
  QCOMPARE(a.upBlockTypes, b.upBlockTypes);
  QCOMPARE(a.blockOutChannels, b.blockOutChannels);
  QCOMPARE(a.layersPerBlock, b.layersPerBlock);
  QCOMPARE(a.useLinearProjection, b.useLinearProjection);
  QCOMPARE(a.additionEmbedType, b.additionEmbedType);
  QCOMPARE(a.additionTimeEmbedDim, b.additionTimeEmbedDim);
  QCOMPARE(a.projectionClassEmbeddingsInputDim, b.projectionClassEmbeddingsInputDim);
  for (std::size_t level = 0; level < a.blockOutChannels.size(); ++level) {
    QCOMPARE(models::UNetConfig::perBlock(a.crossAttentionDim, level),
             models::UNetConfig::perBlock(b.crossAttentionDim, level));
    if (a.downBlockTypes[level] == "DownBlock2D" && level + 1 < a.blockOutChannels.size()) continue;
    QCOMPARE(models::UNetConfig::perBlock(a.transformerLayersPerBlock, level),
             models::UNetConfig::perBlock(b.transformerLayersPerBlock, level));
    QCOMPARE(models::UNetConfig::perBlock(a.attentionHeads, level), models::UNetConfig::perBlock(b.attentionHeads, level));
  }
}

void compareVaeConfigs(const models::AutoencoderKlConfig& a, const models::AutoencoderKlConfig& b) {
  QCOMPARE(a.inChannels, b.inChannels);
  QCOMPARE(a.outChannels, b.outChannels);
  QCOMPARE(a.blockOutChannels, b.blockOutChannels);
  QCOMPARE(a.layersPerBlock, b.layersPerBlock);
  QCOMPARE(a.latentChannels, b.latentChannels);
  QCOMPARE(a.scalingFactor, b.scalingFactor);
  QCOMPARE(a.useQuantConv, b.useQuantConv);
  QCOMPARE(a.midBlockAddAttention, b.midBlockAddAttention);
}

void compareClipConfigs(const models::ClipTextConfig& a, const models::ClipTextConfig& b) {
  QCOMPARE(a.vocabSize, b.vocabSize);
  QCOMPARE(a.hiddenSize, b.hiddenSize);
  QCOMPARE(a.intermediateSize, b.intermediateSize);
  QCOMPARE(a.numHiddenLayers, b.numHiddenLayers);
  QCOMPARE(a.numAttentionHeads, b.numAttentionHeads);
  QCOMPARE(a.hiddenAct, b.hiddenAct);
  QCOMPARE(a.withProjection, b.withProjection);
  QCOMPARE(a.projectionDim, b.projectionDim);
}

// A small model of the family, randomly initialised, with widths in multiples of 64 so that every
// config value follows from the file (as with the real models).
models::StableDiffusionModel smallModel(ModelFamily family) {
  torch::manual_seed(3);
  models::StableDiffusionModel m;
  m.family = family;
  models::ClipTextConfig te = models::ClipTextConfig::preset("sd1");
  te.hiddenSize = 64, te.intermediateSize = 128, te.numHiddenLayers = 2, te.numAttentionHeads = 1;
  models::UNetConfig unet = models::UNetConfig::preset(family == ModelFamily::SD1   ? "sd15"
                                                       : family == ModelFamily::SD2 ? "sd21"
                                                                                    : "sdxl");
  models::AutoencoderKlConfig vae = models::AutoencoderKlConfig::preset(family == ModelFamily::SDXL ? "sdxl" : "sd");
  vae.blockOutChannels = {32, 64};
  vae.layersPerBlock = 1;
  vae.downBlockTypes.assign(2, "DownEncoderBlock2D");
  vae.upBlockTypes.assign(2, "UpDecoderBlock2D");
  if (family == ModelFamily::SD1) {
    unet.blockOutChannels = {64, 128, 128, 128};
    unet.crossAttentionDim = {64};
  } else if (family == ModelFamily::SD2) {
    te.hiddenAct = "gelu";
    unet.blockOutChannels = {64, 128, 128, 128};
    unet.attentionHeads = {1, 2, 2, 2};
    unet.crossAttentionDim = {64};
  } else {
    models::ClipTextConfig te2 = te;
    te2.hiddenAct = "gelu", te2.withProjection = true, te2.projectionDim = 64, te2.numHiddenLayers = 3;
    m.textEncoder2 = models::ClipTextModel(te2);
    unet.blockOutChannels = {64, 128, 128};
    unet.attentionHeads = {1, 2, 2};
    unet.transformerLayersPerBlock = {1, 1, 2};
    unet.crossAttentionDim = {128};
    unet.additionTimeEmbedDim = 8;
    unet.projectionClassEmbeddingsInputDim = 64 + 6 * 8;
  }
  unet.layersPerBlock = 1;
  m.textEncoder = models::ClipTextModel(te);
  m.unet = models::UNet2DConditionModel(unet);
  m.vae = models::AutoencoderKl(vae);
  m.scheduler.predictionType = family == ModelFamily::SD2 ? "v_prediction" : "epsilon";
  return m;
}

// Rewrites a safetensors file with `edit` applied to its tensors.
void rewrite(const std::string& from, const std::string& to,
             const std::function<void(std::map<std::string, at::Tensor>&)>& edit) {
  std::map<std::string, at::Tensor> tensors;
  for (const auto& [name, view] : io::loadTensors(from)) tensors.emplace(name, view.clone());
  edit(tensors);
  io::saveTensors(to, tensors, io::SafetensorsFile::open(from).metadata());
}

template <class Call>
QString errorOf(Call call) {
  try {
    call();
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return "no error";
}

}  // namespace

class TestSingleFile : public QObject {
  Q_OBJECT

 private slots:
  void namesOfRealCheckpoints() {
    // Key pairs as they appear in SD 1.5's diffusers folder and its original v1-5-pruned file.
    const models::UNetConfig sd15 = models::UNetConfig::preset("sd15");
    const std::vector<std::pair<std::string, std::string>> unet{
        {"conv_in.weight", "input_blocks.0.0.weight"},
        {"time_embedding.linear_2.bias", "time_embed.2.bias"},
        {"down_blocks.0.resnets.1.norm1.weight", "input_blocks.2.0.in_layers.0.weight"},
        {"down_blocks.0.attentions.1.transformer_blocks.0.attn2.to_k.weight",
         "input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight"},
        {"down_blocks.0.downsamplers.0.conv.weight", "input_blocks.3.0.op.weight"},
        {"down_blocks.1.resnets.0.conv_shortcut.weight", "input_blocks.4.0.skip_connection.weight"},
        {"down_blocks.3.resnets.1.time_emb_proj.weight", "input_blocks.11.0.emb_layers.1.weight"},
        {"mid_block.resnets.1.conv2.bias", "middle_block.2.out_layers.3.bias"},
        {"mid_block.attentions.0.proj_out.weight", "middle_block.1.proj_out.weight"},
        {"up_blocks.0.resnets.2.conv1.weight", "output_blocks.2.0.in_layers.2.weight"},
        {"up_blocks.0.upsamplers.0.conv.weight", "output_blocks.2.1.conv.weight"},
        {"up_blocks.1.upsamplers.0.conv.bias", "output_blocks.5.2.conv.bias"},
        {"up_blocks.3.attentions.2.norm.weight", "output_blocks.11.1.norm.weight"},
        {"conv_norm_out.weight", "out.0.weight"},
        {"conv_out.bias", "out.2.bias"}};
    for (const auto& [diffusers, original] : unet) QCOMPARE(models::ldm::unetName(diffusers, sd15), original);

    const models::AutoencoderKlConfig vae = models::AutoencoderKlConfig::preset("sd");
    const std::vector<std::pair<std::string, std::string>> vaeNames{
        {"encoder.down_blocks.1.resnets.0.conv_shortcut.weight", "encoder.down.1.block.0.nin_shortcut.weight"},
        {"encoder.down_blocks.0.downsamplers.0.conv.weight", "encoder.down.0.downsample.conv.weight"},
        {"encoder.conv_norm_out.bias", "encoder.norm_out.bias"},
        {"encoder.mid_block.attentions.0.to_out.0.weight", "encoder.mid.attn_1.proj_out.weight"},
        {"decoder.mid_block.attentions.0.group_norm.weight", "decoder.mid.attn_1.norm.weight"},
        {"decoder.mid_block.resnets.1.norm2.bias", "decoder.mid.block_2.norm2.bias"},
        {"decoder.up_blocks.0.upsamplers.0.conv.weight", "decoder.up.3.upsample.conv.weight"},
        {"decoder.up_blocks.3.resnets.2.conv1.weight", "decoder.up.0.block.2.conv1.weight"},
        {"post_quant_conv.weight", "post_quant_conv.weight"}};
    for (const auto& [diffusers, original] : vaeNames) QCOMPARE(models::ldm::vaeName(diffusers, vae), original);

    const auto q = models::ldm::openClipName("encoder.layers.22.self_attn.k_proj.bias");
    QCOMPARE(q.name, std::string("transformer.resblocks.22.attn.in_proj_bias"));
    QCOMPARE(q.part, 1);
    QCOMPARE(models::ldm::openClipName("encoder.layers.0.mlp.fc2.weight").name,
             std::string("transformer.resblocks.0.mlp.c_proj.weight"));
    QVERIFY(models::ldm::openClipName("text_projection.weight").transposed);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, models::ldm::unetName("down_blocks.0.bogus.0.x", sd15));
  }

  void tinySd15ConfigsFollowFromTheFile() {
    SDS_REQUIRE_FIXTURES();
    const std::string path = fixturePath("tiny-sd15-single.safetensors");
    const auto all = io::loadTensors(path);
    QVERIFY(models::ldm::detectFamily(all, path) == ModelFamily::SD1);
    compareUNetConfigs(models::ldm::unetConfig(models::ldm::withPrefix(all, models::ldm::kUNetPrefix), ModelFamily::SD1,
                                               0, path),
                       models::UNetConfig::fromFile(fixturePath("tiny-sd15/unet/config.json")));
    compareVaeConfigs(models::ldm::vaeConfig(models::ldm::withPrefix(all, models::ldm::kVaePrefix), ModelFamily::SD1, path),
                      models::AutoencoderKlConfig::fromFile(fixturePath("tiny-sd15/vae/config.json")));
    // Its text encoder is 32 wide: the head count is not in the file, and the error says what to do.
    const QString error = errorOf([&] { models::loadModel(path, torch::kFloat32); });
    QVERIFY2(error.contains("tiny-sd15-single.safetensors") && error.contains("--config") && error.contains("heads"),
             qPrintable(error));
  }

  void tinySd15GeneratesTheFoldersImage() {
    SDS_REQUIRE_FIXTURES();
    models::ModelLoadOptions options;
    options.configFolder = fixturePath("tiny-sd15");
    models::StableDiffusionModel single =
        models::loadModel(fixturePath("tiny-sd15-single.safetensors"), torch::kFloat64, options);
    models::StableDiffusionModel folder = models::loadModel(fixturePath("tiny-sd15"), torch::kFloat64);
    QVERIFY(single.family == ModelFamily::SD1);
    VERIFY_SAME(*single.unet, *folder.unet, torch::kFloat16);
    VERIFY_SAME(*single.vae, *folder.vae, torch::kFloat16);
    VERIFY_SAME(*single.textEncoder, *folder.textEncoder, torch::kFloat16);

    const auto golden = io::SafetensorsFile::open(fixturePath("golden/sd15_pipeline_ddim.safetensors"));
    pipelines::Txt2ImgParams p;
    p.prompt = golden.metadata().at("prompt");
    p.negativePrompt = golden.metadata().at("negative_prompt");
    p.steps = std::stoi(golden.metadata().at("steps"));
    p.guidance = std::stod(golden.metadata().at("guidance_scale"));
    p.sampler = "ddim";
    p.width = p.height = 64;
    p.initLatents = io::tensorView(golden, *golden.find("latents")).to(torch::kFloat64);
    const at::Tensor fromSingle = pipelines::txt2img(single, p);
    // The folder's model with its weights rounded as the single file stores them: the same image.
    {
      torch::NoGradGuard noGrad;
      for (torch::nn::Module* m : {static_cast<torch::nn::Module*>(folder.unet.get()),
                                   static_cast<torch::nn::Module*>(folder.vae.get())})
        for (auto& parameter : m->parameters()) parameter.copy_(parameter.to(torch::kFloat16));
    }
    COMPARE_CLOSE(fromSingle, pipelines::txt2img(folder, p), 1e-12);
    // And near diffusers' image from the float32 weights: 4 steps at guidance 7.5 amplify the rounding
    // of these random weights to a mean difference of about 0.02 (0.21 at the worst pixel).
    const at::Tensor goldenImage = io::tensorView(golden, *golden.find("image")).to(torch::kFloat64);
    const double meanDifference = (fromSingle - goldenImage).abs().mean().item<double>();
    QVERIFY2(meanDifference < 0.03, qPrintable(QString("mean difference %1").arg(meanDifference)));
  }

  void tinySdxlRoundTrip() {
    SDS_REQUIRE_FIXTURES();
    QTemporaryDir dir;
    const std::string file = dir.filePath("tiny-sdxl.safetensors").toStdString();
    models::StableDiffusionModel folder = models::loadModel(fixturePath("tiny-sdxl"), torch::kFloat32);
    models::saveSingleFileModel(folder, file, torch::kFloat32);
    models::ModelLoadOptions options;
    options.configFolder = fixturePath("tiny-sdxl");
    models::StableDiffusionModel single = models::loadModel(file, torch::kFloat32, options);
    QVERIFY(single.family == ModelFamily::SDXL);
    VERIFY_SAME(*single.unet, *folder.unet, torch::kFloat32);
    VERIFY_SAME(*single.vae, *folder.vae, torch::kFloat32);
    VERIFY_SAME(*single.textEncoder, *folder.textEncoder, torch::kFloat32);
    VERIFY_SAME(*single.textEncoder2, *folder.textEncoder2, torch::kFloat32);
    // The layout is the original one: SDXL's key names.
    const auto written = io::SafetensorsFile::open(file);
    QVERIFY(written.find("conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight"));
    QVERIFY(written.find("conditioner.embedders.0.transformer.text_model.final_layer_norm.weight"));
    QVERIFY(written.find("model.diffusion_model.label_emb.0.0.weight"));
    QVERIFY(written.find("first_stage_model.decoder.mid.attn_1.q.weight"));
    QCOMPARE(written.find("first_stage_model.decoder.mid.attn_1.q.weight")->shape.size(), std::size_t(4));
  }

  void everyFamilyRoundTripsWithoutConfig_data() {
    QTest::addColumn<int>("family");
    QTest::newRow("SD 1.x") << int(ModelFamily::SD1);
    QTest::newRow("SD 2.x") << int(ModelFamily::SD2);
    QTest::newRow("SDXL") << int(ModelFamily::SDXL);
  }

  void everyFamilyRoundTripsWithoutConfig() {
    QFETCH(int, family);
    models::StableDiffusionModel original = smallModel(ModelFamily(family));
    QTemporaryDir dir;
    const std::string file = dir.filePath("model.safetensors").toStdString();
    models::saveSingleFileModel(original, file, torch::kFloat16);
    models::StableDiffusionModel loaded = models::loadModel(file, torch::kFloat32);
    QCOMPARE(int(loaded.family), family);
    compareUNetConfigs(loaded.unet->config, original.unet->config);
    compareVaeConfigs(loaded.vae->config, original.vae->config);
    compareClipConfigs(loaded.textEncoder->config, original.textEncoder->config);
    VERIFY_SAME(*loaded.unet, *original.unet, torch::kFloat16);
    VERIFY_SAME(*loaded.vae, *original.vae, torch::kFloat16);
    VERIFY_SAME(*loaded.textEncoder, *original.textEncoder, torch::kFloat16);
    if (ModelFamily(family) == ModelFamily::SDXL) {
      compareClipConfigs(loaded.textEncoder2->config, original.textEncoder2->config);
      VERIFY_SAME(*loaded.textEncoder2, *original.textEncoder2, torch::kFloat16);
      QCOMPARE(loaded.tokenizer2->padId(), std::int64_t(0));  // "!"
    }
    QCOMPARE(loaded.scheduler.predictionType, original.scheduler.predictionType);
    QCOMPARE(loaded.scheduler.betaSchedule, std::string("scaled_linear"));
    // The built-in tokenizer: CLIP's ids, 77 long.
    QCOMPARE(loaded.tokenizer->encode("a photo of a cat"), (std::vector<std::int64_t>{49406, 320, 1125, 539, 320, 2368, 49407}));
    QCOMPARE(loaded.tokenizer->maxLength(), 77);
  }

  void originalSd2FilesDropOpenClipsLastBlock() {
    // Original SD 2.x files carry OpenCLIP's whole tower: the projection and a last block SD 2.x never
    // uses. The loaded encoder has the blocks before it.
    models::StableDiffusionModel original = smallModel(ModelFamily::SD2);
    QTemporaryDir dir;
    const std::string converted = dir.filePath("converted.safetensors").toStdString();
    const std::string full = dir.filePath("full.safetensors").toStdString();
    models::saveSingleFileModel(original, converted, torch::kFloat32);
    rewrite(converted, full, [](std::map<std::string, at::Tensor>& t) {
      const std::string from = "cond_stage_model.model.transformer.resblocks.1.", to = "cond_stage_model.model.transformer.resblocks.2.";
      std::map<std::string, at::Tensor> extra;
      for (const auto& [name, value] : t)
        if (name.compare(0, from.size(), from) == 0) extra[to + name.substr(from.size())] = torch::randn_like(value);
      t.insert(extra.begin(), extra.end());
      t["cond_stage_model.model.text_projection"] = torch::randn({64, 64});
      t["cond_stage_model.model.logit_scale"] = torch::ones({});
    });
    models::StableDiffusionModel loaded = models::loadModel(full, torch::kFloat32);
    QCOMPARE(loaded.textEncoder->config.numHiddenLayers, std::int64_t(2));
    VERIFY_SAME(*loaded.textEncoder, *original.textEncoder, torch::kFloat32);
    QCOMPARE(loaded.scheduler.predictionType, std::string("v_prediction"));
    // ModelSpec metadata overrides SD 2.x's v-prediction default.
    original.scheduler.predictionType = "epsilon";
    models::saveSingleFileModel(original, converted, torch::kFloat32);
    QCOMPARE(models::loadModel(converted, torch::kFloat32).scheduler.predictionType, std::string("epsilon"));
  }

  void damagedAndForeignFiles() {
    models::StableDiffusionModel original = smallModel(ModelFamily::SD1);
    QTemporaryDir dir;
    const std::string good = dir.filePath("good.safetensors").toStdString();
    const std::string bad = dir.filePath("bad.safetensors").toStdString();
    models::saveSingleFileModel(original, good, torch::kFloat16);

    rewrite(good, bad, [](auto& t) { t.erase("model.diffusion_model.input_blocks.1.0.in_layers.2.weight"); });
    QString error = errorOf([&] { models::loadModel(bad, torch::kFloat32); });
    QVERIFY2(error.contains("bad.safetensors") && error.contains("model.diffusion_model.input_blocks.1.0.in_layers.2.weight") &&
                 error.contains("missing"),
             qPrintable(error));

    rewrite(good, bad, [](auto& t) { t["first_stage_model.decoder.up.0.block.0.conv2.weight"] = torch::zeros({32, 32, 1, 1}); });
    error = errorOf([&] { models::loadModel(bad, torch::kFloat32); });
    QVERIFY2(error.contains("first_stage_model.decoder.up.0.block.0.conv2.weight") && error.contains("shape"),
             qPrintable(error));

    rewrite(good, bad, [](auto& t) { t["model.diffusion_model.input_blocks.1.1.extra.weight"] = torch::zeros({2}); });
    error = errorOf([&] { models::loadModel(bad, torch::kFloat32); });
    QVERIFY2(error.contains("unexpected") && error.contains("input_blocks.1.1.extra.weight"), qPrintable(error));

    io::saveTensors(bad, {{"lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", torch::zeros({4, 8})}});
    error = errorOf([&] { models::loadModel(bad, torch::kFloat32); });
    QVERIFY2(error.contains("LoRA"), qPrintable(error));

    io::saveTensors(bad, {{"weight", torch::zeros({4})}});
    error = errorOf([&] { models::loadModel(bad, torch::kFloat32); });
    QVERIFY2(error.contains("not a Stable Diffusion checkpoint") && error.contains("\"weight\""), qPrintable(error));

    // A PyTorch zip checkpoint renamed to .safetensors is refused without being unpickled.
    const QString pickle = dir.filePath("model.ckpt");
    writeFile(pickle, QByteArray("PK\x03\x04", 4) + QByteArray(64, '\0'));
    error = errorOf([&] { models::loadModel(pickle.toStdString(), torch::kFloat32); });
    QVERIFY2(error.contains("pickle") && error.contains("model.ckpt"), qPrintable(error));

    error = errorOf([&] { models::loadModel(dir.filePath("absent.safetensors").toStdString(), torch::kFloat32); });
    QVERIFY2(error.contains("absent.safetensors") && error.contains("no such file"), qPrintable(error));
  }

  // A few kilobytes whose shapes (or config.json) describe a model of billions of weights are refused
  // before that memory is taken: the model may hold little more than the values its file holds.
  void shapesDescribingMoreThanTheFileAreRefusedBeforeAllocating() {
    models::StableDiffusionModel original = smallModel(ModelFamily::SD1);
    QTemporaryDir dir;
    const std::string good = dir.filePath("good.safetensors").toStdString();
    const std::string bad = dir.filePath("bad.safetensors").toStdString();
    models::saveSingleFileModel(original, good, torch::kFloat16);
    // The text encoder's width comes from its token embedding: 102,400 channels make each of its
    // projections 10^10 values (40 GB in float32).
    rewrite(good, bad, [](auto& t) {
      t["cond_stage_model.transformer.text_model.embeddings.token_embedding.weight"] = torch::zeros({1, 102400});
    });
    QString error = errorOf([&] { models::loadModel(bad, torch::kFloat32); });
    QVERIFY2(error.contains("bad.safetensors") && error.contains("more weights than the file holds"), qPrintable(error));

    const QString folder = dir.filePath("text_encoder");
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(QFile::copy(QString::fromStdString(fixturePath("tiny-sd15/text_encoder/model.safetensors")),
                        folder + "/model.safetensors"));
    QFile source(QString::fromStdString(fixturePath("tiny-sd15/text_encoder/config.json")));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QJsonObject config = QJsonDocument::fromJson(source.readAll()).object();
    writeFile(folder + "/config.json", QJsonDocument(config).toJson());
    QCOMPARE(errorOf([&] { models::loadClipTextModel(folder.toStdString(), torch::kFloat32); }), QString("no error"));
    config["intermediate_size"] = 100000000;
    writeFile(folder + "/config.json", QJsonDocument(config).toJson());
    error = errorOf([&] { models::loadClipTextModel(folder.toStdString(), torch::kFloat32); });
    QVERIFY2(error.contains("text_encoder") && error.contains("more weights than the file holds"), qPrintable(error));
  }
};

QTEST_GUILESS_MAIN(TestSingleFile)
#include "test_single_file.moc"
