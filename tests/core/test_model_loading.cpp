// Damaged and mistaken model folders, as users produce them (interrupted downloads, the wrong folder,
// pickles, files of another model), written for real into a temporary folder: each is refused by
// loadModel with a message that names the file, and the key where one is involved.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include <nlohmann/json.hpp>

#include <QDir>
#include <QDirIterator>

#include "tensor_compare.h"
#include "test_files.h"
#include "models/io/torch_tensors.h"
#include "models/io/model_loader.h"
#include "models/blocks/layers.h"

using namespace sds;

namespace {

const QString kUnetWeights = "unet/diffusion_pytorch_model.safetensors";

QByteArray readBytes(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray le64(quint64 value) {
  QByteArray out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = char((value >> (8 * i)) & 0xFF);
  return out;
}

// A copy of tiny-sd15 in `dir`: small files copied, the large weight files linked, so that a test can
// replace any file without touching the fixtures.
void copyTinySd15(const QString& dir) {
  const QDir source(fixture("tiny-sd15"));
  QDirIterator it(source.path(), QDir::Files, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    const QString from = it.next();
    const QString to = QDir(dir).filePath(source.relativeFilePath(from));
    QVERIFY(QDir().mkpath(QFileInfo(to).path()));
    if (from.endsWith(".safetensors"))
      QVERIFY(QFile::link(from, to));
    else
      writeFile(to, readBytes(from));
  }
}

// Replaces a linked file by tensors: the UNet's weights as the fixture has them, changed by `edit`.
void writeUnetWeights(const QString& dir, const std::function<void(std::map<std::string, at::Tensor>&)>& edit) {
  auto tensors = io::loadTensors(fixturePath("tiny-sd15/" + kUnetWeights));
  for (auto& [name, tensor] : tensors) tensor = tensor.clone();
  edit(tensors);
  const QString path = QDir(dir).filePath(kUnetWeights);
  QFile::remove(path);
  io::saveTensors(path.toStdString(), tensors);
}

// The message loadModel throws for the folder, or "" when it loads.
QString loadError(const QString& path) {
  try {
    models::loadModel(path.toStdString(), torch::kFloat32);
    return {};
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
}

#define VERIFY_ERROR(message, fragment)                                                                     \
  do {                                                                                                      \
    QVERIFY2(!(message).isEmpty(), "the model loaded");                                                     \
    QVERIFY2((message).contains(fragment), qPrintable("no \"" + QString(fragment) + "\" in: " + (message))); \
  } while (false)

}  // namespace

class TestModelLoading : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { SDS_REQUIRE_FIXTURES(); }

  void intactCopyLoads() {
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    QCOMPARE(loadError(dir.path()), QString());
  }

  // --- layers made without random weights for loading ---

  // Under WeightsWillBeLoaded the layers skip drawing their weights, and nothing else differs: the
  // same parameters, shapes and options, the same output once given the same weights. Without it they
  // are torch::nn's, drawn from the same random numbers.
  void layersMadeForLoadingMatchTorchLayers() {
    const auto convOptions = torch::nn::Conv2dOptions(8, 12, 3).stride(2).padding(1).groups(4);
    const auto linearOptions = torch::nn::LinearOptions(6, 10).bias(false);
    torch::manual_seed(5);
    torch::nn::Conv2d conv = models::makeConv2d(convOptions);
    torch::nn::Linear linear = models::makeLinear(linearOptions);
    torch::nn::Embedding embedding = models::makeEmbedding(30, 7);
    torch::manual_seed(5);
    QVERIFY(torch::equal(conv->weight, torch::nn::Conv2d(convOptions)->weight));
    QVERIFY(torch::equal(linear->weight, torch::nn::Linear(linearOptions)->weight));

    models::WeightsWillBeLoaded loading(torch::kFloat32);
    torch::nn::Conv2d loadedConv = models::makeConv2d(convOptions);
    torch::nn::Linear loadedLinear = models::makeLinear(linearOptions);
    torch::nn::Embedding loadedEmbedding = models::makeEmbedding(30, 7);
    const auto sameParameters = [](torch::nn::Module& a, torch::nn::Module& b) {
      const auto pa = a.named_parameters(), pb = b.named_parameters();
      if (pa.keys() != pb.keys()) return false;
      torch::NoGradGuard noGrad;
      for (const auto& item : pa) {
        if (item.value().sizes() != pb[item.key()].sizes()) return false;
        pb[item.key()].copy_(item.value());
      }
      return true;
    };
    QVERIFY(sameParameters(*conv, *loadedConv));
    QVERIFY(sameParameters(*linear, *loadedLinear));
    QVERIFY(sameParameters(*embedding, *loadedEmbedding));
    QCOMPARE(loadedConv->options.in_channels(), 8);
    QCOMPARE(loadedConv->options.out_channels(), 12);
    QCOMPARE(loadedLinear->options.out_features(), 10);
    QCOMPARE(loadedEmbedding->options.num_embeddings(), 30);
    const at::Tensor image = torch::randn({2, 8, 9, 9});
    QVERIFY(torch::equal(conv->forward(image), loadedConv->forward(image)));
    const at::Tensor features = torch::randn({3, 6});
    QVERIFY(torch::equal(linear->forward(features), loadedLinear->forward(features)));
    const at::Tensor ids = torch::tensor({0, 29, 4}, torch::kLong);
    QVERIFY(torch::equal(embedding->forward(ids), loadedEmbedding->forward(ids)));
    {  // made in the type they will be loaded in; the outer guard's type comes back after
      models::WeightsWillBeLoaded inBf16(torch::kBFloat16);
      QCOMPARE(models::makeLinear(4, 4)->weight.scalar_type(), torch::kBFloat16);
    }
    QCOMPARE(models::makeConv2d(convOptions)->weight.scalar_type(), torch::kFloat32);
  }

  // --- sharded weights ---

  void shardedWeightsLoadAsOne() {
    // The UNet's weights split over two shards with their index, as large models are published.
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    const auto all = io::loadTensors(fixturePath("tiny-sd15/" + kUnetWeights));
    std::map<std::string, at::Tensor> first, second;
    nlohmann::json index;
    int i = 0;
    for (const auto& [name, tensor] : all) {
      const bool one = i++ % 2 == 0;
      (one ? first : second)[name] = tensor;
      index["weight_map"][name] = one ? "diffusion_pytorch_model-00001-of-00002.safetensors"
                                      : "diffusion_pytorch_model-00002-of-00002.safetensors";
    }
    const QDir unet(dir.filePath("unet"));
    QVERIFY(QFile::remove(unet.filePath("diffusion_pytorch_model.safetensors")));
    io::saveTensors(unet.filePath("diffusion_pytorch_model-00001-of-00002.safetensors").toStdString(), first);
    io::saveTensors(unet.filePath("diffusion_pytorch_model-00002-of-00002.safetensors").toStdString(), second);
    const QString indexPath = unet.filePath("diffusion_pytorch_model.safetensors.index.json");
    writeFile(indexPath, QByteArray::fromStdString(index.dump()));
    const models::StableDiffusionModel sharded = models::loadModel(dir.path().toStdString(), torch::kFloat32);
    const models::StableDiffusionModel single = models::loadModel(fixturePath("tiny-sd15"), torch::kFloat32);
    const auto expected = single.unet->named_parameters();
    for (const auto& item : sharded.unet->named_parameters())
      QVERIFY2(torch::equal(item.value(), expected[item.key()]), item.key().c_str());

    // A shard named outside the folder, and a tensor in two shards, are refused by name.
    nlohmann::json outside = index;
    outside["weight_map"][all.begin()->first] = "../elsewhere.safetensors";
    writeFile(indexPath, QByteArray::fromStdString(outside.dump()));
    VERIFY_ERROR(loadError(dir.path()), "outside the folder");
    io::saveTensors(unet.filePath("diffusion_pytorch_model-00002-of-00002.safetensors").toStdString(), all);
    writeFile(indexPath, QByteArray::fromStdString(index.dump()));
    VERIFY_ERROR(loadError(dir.path()), "more than one shard");
  }

  // --- folders ---

  void folderWithoutModelIndex() {
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    QVERIFY(QFile::remove(dir.filePath("model_index.json")));
    const QString error = loadError(dir.path());
    VERIFY_ERROR(error, dir.path());
    VERIFY_ERROR(error, "no model_index.json");
    VERIFY_ERROR(error, "not a diffusers model folder");
  }

  void componentFolderInsteadOfModel() {
    // The unet/ folder itself: one component, not a model.
    const QString error = loadError(fixture("tiny-sd15/unet"));
    VERIFY_ERROR(error, fixture("tiny-sd15/unet"));
    VERIFY_ERROR(error, "no model_index.json");
    VERIFY_ERROR(error, "one component of a model");
  }

  void pickleOnlyFolder() {
    QTemporaryDir dir;
    writeFile(dir.filePath("v1-5-pruned.ckpt"), QByteArray("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10) + "archive/data.pkl");
    const QString error = loadError(dir.path());
    VERIFY_ERROR(error, dir.path());
    VERIFY_ERROR(error, "v1-5-pruned.ckpt");
    VERIFY_ERROR(error, "pickle");
  }

  void folderWithSingleFileCheckpoint() {
    QTemporaryDir dir;
    QVERIFY(QFile::link(fixture("tiny-sd15-single.safetensors"), dir.filePath("model.safetensors")));
    const QString error = loadError(dir.path());
    VERIFY_ERROR(error, "model.safetensors");
    VERIFY_ERROR(error, "give that file");
  }

  void emptyFolder() {
    QTemporaryDir dir;
    const QString error = loadError(dir.path());
    VERIFY_ERROR(error, dir.path());
    VERIFY_ERROR(error, "no model_index.json");
  }

  void modelIndexDamaged_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("not JSON") << QByteArray("{\"unet\": [") << "model_index.json: not a JSON object";
    QTest::newRow("empty") << QByteArray() << "model_index.json: not a JSON object";
    QTest::newRow("no vae") << QByteArray(R"({"unet": ["diffusers", "UNet2DConditionModel"],
        "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
        "scheduler": ["diffusers", "PNDMScheduler"]})")
                            << "model_index.json: \"vae\" is missing";
  }
  void modelIndexDamaged() {
    QFETCH(QByteArray, content);
    QFETCH(QString, fragment);
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    writeFile(dir.filePath("model_index.json"), content);
    VERIFY_ERROR(loadError(dir.path()), fragment);
  }

  void componentWithoutConfig_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("unet") << "unet/config.json";
    QTest::newRow("vae") << "vae/config.json";
    QTest::newRow("text encoder") << "text_encoder/config.json";
    QTest::newRow("scheduler") << "scheduler/scheduler_config.json";
    QTest::newRow("tokenizer vocabulary") << "tokenizer/vocab.json";
  }
  void componentWithoutConfig() {
    QFETCH(QString, file);
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    QVERIFY(QFile::remove(dir.filePath(file)));
    VERIFY_ERROR(loadError(dir.path()), dir.filePath(file));
  }

  void componentFolderMissing() {
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    QVERIFY(QDir(dir.filePath("vae")).removeRecursively());
    VERIFY_ERROR(loadError(dir.path()), dir.filePath("vae"));
  }

  void pickleOnlyComponent() {
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    QVERIFY(QFile::remove(dir.filePath(kUnetWeights)));
    writeFile(dir.filePath("unet/diffusion_pytorch_model.bin"), QByteArray("\x80\x02\x7d\x71\x00\x2e", 6));
    const QString error = loadError(dir.path());
    VERIFY_ERROR(error, dir.filePath("unet/diffusion_pytorch_model.bin"));
    VERIFY_ERROR(error, "only PyTorch pickle weights");
  }

  void componentWithoutWeights() {
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    QVERIFY(QFile::remove(dir.filePath(kUnetWeights)));
    const QString error = loadError(dir.path());
    VERIFY_ERROR(error, dir.filePath("unet"));
    VERIFY_ERROR(error, "no diffusion_pytorch_model.safetensors");
  }

  // --- damaged weight files ---

  void truncatedWeights() {
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    const QByteArray full = readBytes(fixture("tiny-sd15/" + kUnetWeights));
    QVERIFY(QFile::remove(dir.filePath(kUnetWeights)));
    // Cut in the data (an interrupted download) and cut in the header.
    for (qsizetype length : {full.size() / 2, qsizetype(100)}) {
      writeFile(dir.filePath(kUnetWeights), full.left(length));
      const QString error = loadError(dir.path());
      VERIFY_ERROR(error, dir.filePath(kUnetWeights));
    }
  }

  void headerLengthBeyondFile() {
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    QVERIFY(QFile::remove(dir.filePath(kUnetWeights)));
    writeFile(dir.filePath(kUnetWeights), le64(5000) + "{\"conv_in.weight\":{");
    const QString error = loadError(dir.path());
    VERIFY_ERROR(error, dir.filePath(kUnetWeights));
    VERIFY_ERROR(error, "is larger than the rest of the file");
  }

  void overlappingTensors() {
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    QVERIFY(QFile::remove(dir.filePath(kUnetWeights)));
    const QByteArray header = R"({"conv_in.weight":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                              R"("conv_in.bias":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})";
    writeFile(dir.filePath(kUnetWeights), le64(quint64(header.size())) + header + QByteArray(24, '\0'));
    const QString error = loadError(dir.path());
    VERIFY_ERROR(error, dir.filePath(kUnetWeights));
    VERIFY_ERROR(error, "overlap");
  }

  // --- weights of another model ---

  void wrongWeights_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("fragments");
    QTest::newRow("missing key") << 0 << QStringList{"missing weight \"up_blocks.1.resnets.2.conv2.bias\""};
    QTest::newRow("unexpected key") << 1 << QStringList{"unexpected weight \"up_blocks.9.resnets.0.conv1.bias\""};
    QTest::newRow("wrong shape") << 2 << QStringList{"weight \"conv_in.weight\" has shape [32, 4, 5, 5], the model "
                                                     "expects [32, 4, 3, 3]"};
    QTest::newRow("integer dtype") << 3 << QStringList{"weight \"conv_out.bias\" holds I64 values",
                                                       "expects floating-point"};
    QTest::newRow("bool dtype") << 4 << QStringList{"weight \"conv_out.bias\" holds BOOL values"};
  }
  void wrongWeights() {
    QFETCH(int, kind);
    QFETCH(QStringList, fragments);
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    writeUnetWeights(dir.path(), [&](std::map<std::string, at::Tensor>& t) {
      switch (kind) {
        case 0: t.erase("up_blocks.1.resnets.2.conv2.bias"); break;
        case 1: t["up_blocks.9.resnets.0.conv1.bias"] = torch::zeros({32}); break;
        case 2: t["conv_in.weight"] = torch::zeros({32, 4, 5, 5}); break;
        case 3: t["conv_out.bias"] = torch::ones({4}, torch::kLong); break;
        case 4: t["conv_out.bias"] = torch::ones({4}, torch::kBool); break;
      }
    });
    const QString error = loadError(dir.path());
    VERIFY_ERROR(error, dir.filePath("unet"));
    for (const QString& fragment : fragments) VERIFY_ERROR(error, fragment);
  }

  // Other floating-point types are converted, as a float16 checkpoint loads into a float32 model.
  void otherFloatTypesConvert() {
    QTemporaryDir dir;
    copyTinySd15(dir.path());
    writeUnetWeights(dir.path(), [](std::map<std::string, at::Tensor>& t) {
      t["conv_out.bias"] = t["conv_out.bias"].to(torch::kBFloat16);
      t["conv_in.weight"] = t["conv_in.weight"].to(torch::kFloat64);
    });
    QCOMPARE(loadError(dir.path()), QString());
  }
};

QTEST_GUILESS_MAIN(TestModelLoading)
#include "test_model_loading.moc"
