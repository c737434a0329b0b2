// What exported files say about themselves: kohya's ss_* and modelspec keys with the values those tools
// write, the base model named and hashed but never by its local path, and the SHA-256 that identifies it.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "config/project.h"
#include "train/export_metadata.h"
#include "util/sha256.h"

using namespace sds;

class TestExportMetadata : public QObject {
  Q_OBJECT

 private slots:
  void sha256OfKnownData() {
    // FIPS 180-2's examples.
    QCOMPARE(sha256Hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(sha256Hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QTemporaryDir dir;
    QFile file(dir.filePath("data"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QByteArray bytes(3 << 20, '\0');  // more than one read block
    for (int i = 0; i < bytes.size(); ++i) bytes[i] = char(i * 7 + (i >> 11));
    file.write(bytes);
    file.close();
    const std::string path = file.fileName().toStdString();
    QCOMPARE(sha256OfFile(path), sha256Hex(std::string_view(bytes.constData(), bytes.size())));
    QCOMPARE(sha256OfFile(path, 0x100000, 0x10000), sha256Hex(std::string_view(bytes.constData() + 0x100000, 0x10000)));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, sha256OfFile(dir.filePath("missing").toStdString()));
  }

  void loraMetadataNamesTheBaseWithoutItsPath() {
    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath("clients/secret/base-model-v2")));
    config::Project p;
    p.set("project.name", std::string("my-style"));
    p.set("model.path", std::string("clients/secret/base-model-v2"));
    p.set("resolution.size", std::int64_t{768});
    p.set("training.precision", std::string("bf16"));
    p.set("training.timestep_min", std::int64_t{200});
    const train::TrainSettings s = train::trainSettingsFrom(p, dir.filePath("project.toml").toStdString());
    const train::BaseModelIdentity base = train::identifyBaseModel(s);
    QCOMPARE(base.name, std::string("base-model-v2"));
    QVERIFY(base.sha256.empty());  // a folder

    const auto meta = train::loraFileMetadata(s, {"sd2", true}, base, "2026-12-03T10:00:00");
    QCOMPARE(meta.at("ss_sd_model_name"), std::string("base-model-v2"));
    QCOMPARE(meta.at("ss_base_model_version"), std::string("sd_v2_v"));
    QCOMPARE(meta.at("ss_v2"), std::string("True"));
    QCOMPARE(meta.at("ss_resolution"), std::string("(768, 768)"));
    QCOMPARE(meta.at("ss_mixed_precision"), std::string("bf16"));
    QCOMPARE(meta.at("modelspec.architecture"), std::string("stable-diffusion-v2-768-v/lora"));
    QCOMPARE(meta.at("modelspec.implementation"), std::string("diffusers"));
    QCOMPARE(meta.at("modelspec.resolution"), std::string("768x768"));
    QCOMPARE(meta.at("modelspec.prediction_type"), std::string("v"));
    QCOMPARE(meta.at("modelspec.timestep_range"), std::string("200,999"));
    QCOMPARE(meta.at("modelspec.title"), std::string("my-style"));
    for (const auto& [key, value] : meta) {
      QVERIFY2(value.find("clients") == std::string::npos && value.find(dir.path().toStdString()) == std::string::npos,
               (key + " = " + value).c_str());
    }
    QVERIFY(!meta.count("ss_base_model"));
  }

  void singleFileBaseIsHashed() {
    QTemporaryDir dir;
    QFile file(dir.filePath("sd_xl_base.safetensors"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(0x120000, 'x'));
    file.close();
    config::Project p;
    p.set("model.path", std::string("sd_xl_base.safetensors"));
    const train::TrainSettings s = train::trainSettingsFrom(p, dir.filePath("project.toml").toStdString());
    const train::BaseModelIdentity base = train::identifyBaseModel(s);
    QCOMPARE(base.name, std::string("sd_xl_base.safetensors"));
    QCOMPARE(base.sha256, sha256OfFile(file.fileName().toStdString()));
    QCOMPARE(base.legacyHash, sha256OfFile(file.fileName().toStdString(), 0x100000, 0x10000).substr(0, 8));
    const auto meta = train::loraFileMetadata(s, {"sdxl", false}, base, "2026-12-03T10:00:00");
    QCOMPARE(meta.at("ss_new_sd_model_hash"), base.sha256);
    QCOMPARE(meta.at("ss_sd_model_hash"), base.legacyHash);
    QCOMPARE(meta.at("ss_base_model_version"), std::string("sdxl_base_v1-0"));
    QCOMPARE(meta.at("modelspec.architecture"), std::string("stable-diffusion-xl-v1-base/lora"));
    QCOMPARE(meta.at("modelspec.implementation"), std::string("https://github.com/Stability-AI/generative-models"));
    QVERIFY(!meta.count("modelspec.timestep_range"));

    const auto checkpoint = train::checkpointFileMetadata(s, {"sd1", false}, "2026-12-03T10:00:00");
    QCOMPARE(checkpoint.at("modelspec.architecture"), std::string("stable-diffusion-v1"));
  }

  void fromScratchIsNamedByArchitecture() {
    QTemporaryDir dir;
    config::Project p;
    p.set("model.init", std::string("scratch"));
    p.set("model.architecture", std::string("tiny"));
    const train::TrainSettings s = train::trainSettingsFrom(p, dir.filePath("project.toml").toStdString());
    QCOMPARE(train::identifyBaseModel(s).name, std::string("scratch-tiny"));
  }
};

QTEST_GUILESS_MAIN(TestExportMetadata)
#include "test_export_metadata.moc"
