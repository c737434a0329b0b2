// The sdtrain binary as users and the GUI run it: exit codes, what goes to stdout and stderr, the
// JSON-lines event mode, and the files it writes.

#include <QtTest>

#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "fixtures.h"
#include "sdtrain_process.h"

namespace {

QByteArray readFile(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

bool writeFile(const QString& path, const QByteArray& content) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

QString sourceFile(const char* relative) { return QStringLiteral(SDS_SOURCE_DIR "/") + relative; }

// Three errors, on lines 2, 5 and 6 (a typo of a key, a value out of range, an unknown choice).
const QByteArray kBadProject =
    "[model]\n"
    "pth = \"base.safetensors\"\n"
    "\n"
    "[training]\n"
    "batch_size = 0\n"
    "precision = \"bf61\"\n"
    "\n"
    "[dataset]\n"
    "path = \"images\"\n";

const QByteArray kValidProject =
    "[model]\n"
    "path = \"base.safetensors\"\n"
    "\n"
    "[dataset]\n"
    "path = \"images\"\n";

}  // namespace

class TestCli : public QObject {
  Q_OBJECT

 private:
  QString studioVersion_;

 private slots:
  void initTestCase() {
    QVERIFY2(QFileInfo(QStringLiteral(SDS_SDTRAIN)).isExecutable(), SDS_SDTRAIN);
  }

  // --- versions ---

  void versionJson() {
    RUN(r, kExitOk, {"version", "--json"});
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    QVERIFY2(doc.isArray(), qPrintable(error.errorString() + ": " + QString::fromUtf8(r.out)));
    QMap<QString, QString> components;
    for (const QJsonValue& v : doc.array()) {
      QVERIFY(v.isObject());
      const QJsonObject o = v.toObject();
      QCOMPARE(o.keys(), QStringList({"name", "version"}));
      QVERIFY(o.value("name").isString() && o.value("version").isString());
      QVERIFY2(!o.value("version").toString().isEmpty(), qPrintable(o.value("name").toString()));
      components.insert(o.value("name").toString(), o.value("version").toString());
    }
    QVERIFY(components.contains("SD Studio"));
    QVERIFY(components.contains("LibTorch"));
    QVERIFY2(QRegularExpression("^\\d+\\.\\d+").match(components.value("LibTorch")).hasMatch(),
             qPrintable(components.value("LibTorch")));
    QVERIFY(components.contains("toml++"));
    QCOMPARE(doc.array().first().toObject().value("name").toString(), QString("SD Studio"));
    QVERIFY(r.err.isEmpty());
  }

  void versionText_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("--version") << QStringList{"--version"};
    QTest::newRow("version") << QStringList{"version"};
  }
  void versionText() {
    QFETCH(QStringList, arguments);
    RUN(json, kExitOk, {"version", "--json"});
    RUN(r, kExitOk, arguments);
    const QStringList text = lines(r.out);
    QVERIFY(!text.isEmpty());
    // The first line names the program and its version, then one line per library: the same as --json.
    const QJsonArray components = QJsonDocument::fromJson(json.out).array();
    QCOMPARE(text.first(), "sdtrain " + components.first().toObject().value("version").toString());
    QStringList expected;
    for (int i = 1; i < components.size(); ++i)
      expected << "  " + components[i].toObject().value("name").toString() + ": " +
                      components[i].toObject().value("version").toString();
    QCOMPARE(text.mid(1), expected);
    QVERIFY(r.out.contains("  LibTorch: "));
    QVERIFY(r.err.isEmpty());
  }

  void help() {
    RUN(r, kExitOk, {"--help"});
    for (const char* word : {"config", "dataset", "version", "demo", "--events", "--log-level"})
      QVERIFY2(r.out.contains(word), word);
  }

  // --- config defaults / check / docs ---

  void defaultsFailOnlyForTheTwoRequiredPaths() {
    RUN(defaults, kExitOk, {"config", "defaults"});
    QVERIFY(defaults.err.isEmpty());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("defaults.toml");
    QVERIFY(writeFile(file, defaults.out));

    RUN(r, kExitInvalidInput, {"config", "check", file});
    const QStringList found = lines(r.out);
    QCOMPARE(found.size(), 2);
    const QStringList fileLines = lines(defaults.out);
    const QStringList keys = {"model.path", "dataset.path"};
    for (int i = 0; i < 2; ++i) {
      const QRegularExpressionMatch m =
          QRegularExpression("^" + QRegularExpression::escape(file) + ":(\\d+):(\\d+): error: " +
                             QRegularExpression::escape(keys[i]) + ": .+$")
              .match(found[i]);
      QVERIFY2(m.hasMatch(), qPrintable(found[i]));
      // The position is that of the empty value in the file.
      const int line = m.captured(1).toInt();
      QVERIFY(line >= 1 && line <= fileLines.size());
      QCOMPARE(fileLines[line - 1], QString("path = \"\""));
      QCOMPARE(m.captured(2).toInt(), 8);
    }
    QVERIFY2(r.err.contains("error: " + file.toUtf8() + ": 2 errors, 0 warnings"), r.err.constData());
  }

  void defaultsToFile() {
    RUN(defaults, kExitOk, {"config", "defaults"});
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("project.toml");
    RUN(r, kExitOk, {"config", "defaults", "--out", file});
    QCOMPARE(readFile(file), defaults.out);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains(file.toUtf8()), r.err.constData());  // "wrote FILE"
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList({"project.toml"}));

    // A second time replaces the file.
    QVERIFY(writeFile(file, "old"));
    RUN(again, kExitOk, {"config", "defaults", "--out", file});
    QCOMPARE(readFile(file), defaults.out);
  }

  // Presets: listed with their cards and measured memory; a project written from one holds its
  // settings and checks valid once model and images are named; an unknown one is named.
  void presets() {
    RUN(list, kExitOk, {"config", "presets", "--json"});
    const QJsonArray presets = QJsonDocument::fromJson(list.out).array();
    QVERIFY(presets.size() >= 8);
    QStringList ids;
    for (const QJsonValue& v : presets) {
      const QJsonObject p = v.toObject();
      ids << p.value("id").toString();
      QVERIFY(QList<int>({8, 12, 24}).contains(p.value("card_gib").toInt()));
      // The step's measured memory leaves room on the card for the CUDA context.
      QVERIFY2(p.value("measured_gib").toDouble() > 0 &&
                   p.value("measured_gib").toDouble() + 0.8 <= p.value("card_gib").toDouble(),
               qPrintable(p.value("id").toString()));
    }
    QVERIFY(ids.contains("lora-sdxl-8gb") && ids.contains("full-sd15-24gb"));
    RUN(text, kExitOk, {"config", "presets"});
    QVERIFY2(text.out.contains("lora-sdxl-8gb: LoRA on SDXL, for 8 GB cards; its step needs 6.1 GiB."),
             text.out.constData());

    QTemporaryDir dir;
    const QString file = dir.filePath("sdxl.toml");
    RUN(written, kExitOk, {"config", "defaults", "--preset", "lora-sdxl-12gb", "--out", file});
    QByteArray project = readFile(file);
    for (const char* line : {"method = \"lora\"", "batch_size = 4", "gradient_checkpointing = true", "rank = 32",
                             "size = 1024", "learning_rate = 0.0001"})
      QVERIFY2(project.contains(QByteArray("\n") + line + "\n"), line);
    project.replace("\npath = \"\"", "\npath = \"somewhere\"");
    QVERIFY(writeFile(file, project));
    RUN(checked, kExitOk, {"config", "check", file});

    RUN(unknown, kExitUsage, {"config", "defaults", "--preset", "lora-sd3"});
    QVERIFY2(unknown.err.contains("unknown preset \"lora-sd3\"") && unknown.err.contains("lora-sd15-8gb"),
             unknown.err.constData());
    RUN(benchUnknown, kExitUsage, {"bench", "--preset", "nope", "--device", "cpu"});
    QVERIFY2(benchUnknown.err.contains("unknown preset \"nope\""), benchUnknown.err.constData());
    // A preset sets the model, batch and memory savers itself: naming them too is refused.
    RUN(both, kExitUsage, {"bench", "--preset", "lora-sd15-8gb", "--batch", "4"});
    QVERIFY2(both.err.contains("excludes"), both.err.constData());
  }

  void outputToMissingFolderFails() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("missing/project.toml");
    RUN(r, kExitFailure, {"config", "defaults", "--out", file});
    QVERIFY2(r.err.startsWith("error: "), r.err.constData());
    QVERIFY2(r.err.contains(file.toUtf8()), r.err.constData());
    QVERIFY(!QFileInfo::exists(file));
  }

  void checkValid() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("good.toml");
    QVERIFY(writeFile(file, kValidProject));
    RUN(r, kExitOk, {"config", "check", file});
    QCOMPARE(QString::fromUtf8(r.out), file + ": 0 errors, 0 warnings: valid\n");
    QVERIFY(r.err.isEmpty());
  }

  void checkWarnings() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("warn.toml");
    QVERIFY(writeFile(file, kValidProject + "\n[sampling]\nprompts = []\n"));
    RUN(r, kExitOk, {"config", "check", file});
    QCOMPARE(lines(r.out),
             QStringList({file + ":8:11: warning: sampling.prompts: samples are requested but there are no prompts, "
                                 "so none will be made",
                          file + ": 0 errors, 1 warning: valid"}));
  }

  void checkErrors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("bad.toml");
    QVERIFY(writeFile(file, kBadProject));
    RUN(r, kExitInvalidInput, {"config", "check", file});
    QCOMPARE(lines(r.out),
             QStringList({
                 file + ":2:1: error: model.pth: unknown setting (did you mean \"path\"?)",
                 file + ":5:14: error: training.batch_size: 0 is not allowed; expected an integer, at least 1 and at "
                        "most 4096",
                 file + ":6:13: error: training.precision: \"bf61\" is not allowed; expected one of \"fp32\", "
                        "\"bf16\" or \"fp16\" (did you mean \"bf16\"?)",
                 // The misspelt key leaves the base model unset; that is not at any line of the file.
                 file + ": error: model.path: a base model is needed: a diffusers folder or a .safetensors "
                        "checkpoint (or set model.init = \"scratch\")",
             }));
    QCOMPARE(lines(r.err), QStringList({"error: " + file + ": 4 errors, 0 warnings",
                                        "  fix the lines above; docs/configuration.md describes every setting"}));
  }

  void checkSyntaxError() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("broken.toml");
    QVERIFY(writeFile(file, "[training]\nmax_steps = = 3\n"));
    RUN(r, kExitInvalidInput, {"config", "check", file});
    const QStringList out = lines(r.out);
    QCOMPARE(out.size(), 1);
    QVERIFY2(out[0].startsWith(file + ":2:"), qPrintable(out[0]));
    QVERIFY2(out[0].contains(": error: not valid TOML: "), qPrintable(out[0]));
  }

  void checkUnreadable_data() {
    QTest::addColumn<QString>("name");  // inside a temporary folder
    QTest::newRow("missing file") << "missing.toml";
    QTest::newRow("folder") << "folder";
  }
  void checkUnreadable() {
    QFETCH(QString, name);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkdir("folder"));
    const QString path = dir.filePath(name);
    RUN(r, kExitInvalidInput, {"config", "check", path});
    const QStringList out = lines(r.out);
    QCOMPARE(out.size(), 1);
    QVERIFY2(out[0].startsWith(path + ": error: cannot "), qPrintable(out[0]));
    QVERIFY2(out[0].contains("'" + path + "'"), qPrintable(out[0]));
    QVERIFY2(r.err.contains("1 error, 0 warnings"), r.err.constData());
  }

  void checkJsonl() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("bad.toml");
    QVERIFY(writeFile(file, kBadProject));
    RUN(text, kExitInvalidInput, {"config", "check", file});
    RUN(r, kExitInvalidInput, {"--events", "jsonl", "config", "check", file});
    QVERIFY2(r.err.isEmpty(), r.err.constData());  // everything goes through events

    QString problem;
    const QList<QJsonObject> list = events(r.out, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(list.size() >= 3);

    const QJsonObject hello = list.first();
    QCOMPARE(hello.value("event").toString(), QString("hello"));
    QCOMPARE(hello.value("protocol").toInt(), 1);
    QCOMPARE(hello.value("program").toString(), QString("sdtrain"));
    RUN(json, kExitOk, {"version", "--json"});
    QCOMPARE(hello.value("version").toString(),
             QJsonDocument::fromJson(json.out).array().first().toObject().value("version").toString());

    // Each diagnostic is an error log event with the same text as in text mode.
    QStringList errors;
    for (const QJsonObject& e : list)
      if (e.value("event") == "log" && e.value("level") == "error") errors << e.value("message").toString();
    QCOMPARE(errors, lines(text.out));

    const QJsonObject last = list.last();
    QCOMPARE(last.value("event").toString(), QString("error"));
    QCOMPARE(last.value("message").toString(), file + ": 4 errors, 0 warnings");
    QVERIFY(!last.value("hint").toString().isEmpty());
    QCOMPARE(last.value("resumable").toBool(true), false);
    for (int i = 1; i + 1 < list.size(); ++i) QCOMPARE(list[i].value("event").toString(), QString("log"));
  }

  void checkJsonlValid() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("good.toml");
    QVERIFY(writeFile(file, kValidProject));
    RUN(r, kExitOk, {"--events", "jsonl", "config", "check", file});
    QVERIFY(r.err.isEmpty());
    QString problem;
    const QList<QJsonObject> list = events(r.out, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].value("event").toString(), QString("hello"));
    QCOMPARE(list[1].value("event").toString(), QString("log"));
    QCOMPARE(list[1].value("level").toString(), QString("info"));
    QCOMPARE(list[1].value("message").toString(), file + ": 0 errors, 0 warnings: valid");
  }

  void usageErrors_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no arguments") << QStringList{};
    QTest::newRow("unknown subcommand") << QStringList{"frobnicate"};
    QTest::newRow("unknown option") << QStringList{"--frobnicate"};
    QTest::newRow("config without subcommand") << QStringList{"config"};
    QTest::newRow("unknown config subcommand") << QStringList{"config", "validate", "x.toml"};
    QTest::newRow("check without file") << QStringList{"config", "check"};
    QTest::newRow("check with two files") << QStringList{"config", "check", "a.toml", "b.toml"};
    QTest::newRow("--out without value") << QStringList{"config", "defaults", "--out"};
    QTest::newRow("unknown event format") << QStringList{"--events", "xml", "config", "defaults"};
    QTest::newRow("unknown log level") << QStringList{"--log-level", "loud", "version"};
  }
  void usageErrors() {
    QFETCH(QStringList, arguments);
    RUN(r, kExitUsage, arguments);
    QVERIFY2(r.out.isEmpty(), r.out.constData());
    QVERIFY(!r.err.isEmpty());
  }

  // The training-step benchmark on the CPU with the tiny model: its figures are consistent with each
  // other, cuDNN autotuning is off unless asked for, and a wrong option names itself.
  void benchTinyOnCpu() {
    const QStringList tiny{"bench", "--model", "tiny", "--batch", "2", "--device", "cpu", "--precision", "fp32",
                           "--steps", "2", "--warmup", "1", "--json"};
    RUN(r, kExitOk, tiny);
    const QJsonObject j = QJsonDocument::fromJson(r.out).object();
    QVERIFY2(!j.isEmpty(), r.out.constData());
    const double imagesPerSecond = j.value("images_per_s").toDouble();
    const double secondsPerStep = j.value("seconds_per_step").toDouble();
    QVERIFY(secondsPerStep > 0);
    QVERIFY(std::abs(imagesPerSecond * secondsPerStep - 2) < 1e-6);
    QVERIFY(j.value("first_step_s").toDouble() > 0);
    const double expectedTflops = 3 * j.value("unet_forward_gflop_per_image").toDouble() * imagesPerSecond / 1e3;
    QVERIFY(std::abs(j.value("achieved_tflops").toDouble() - expectedTflops) <= 1e-9 + 1e-6 * expectedTflops);
    QVERIFY(std::isfinite(j.value("final_loss").toDouble()));
    QCOMPARE(j.value("cudnn_autotune").toBool(), false);
    QCOMPARE(j.value("resolution").toInt(), 64);

    // Without warm-up there is no first warm-up step to report.
    QStringList noWarmup = tiny;
    noWarmup[noWarmup.indexOf("--warmup") + 1] = "0";
    RUN(cold, kExitOk, noWarmup);
    QVERIFY(!QJsonDocument::fromJson(cold.out).object().contains("first_step_s"));

    RUN(tuned, kExitOk, QStringList(tiny) << "--autotune");
    QCOMPARE(QJsonDocument::fromJson(tuned.out).object().value("cudnn_autotune").toBool(), true);

    RUN(wrong, kExitUsage, QStringList(tiny) << "--attention" << "flash");
    QVERIFY2(wrong.err.contains("--attention \"flash\""), wrong.err.constData());
  }

  // The sampling benchmark on the CPU: the tiny model's random weights, then a model read from a
  // folder; options of the training step are refused beside it.
  void benchSamplingOnCpu() {
    const QStringList tiny{"bench", "--sampling", "--model", "tiny", "--device", "cpu", "--precision", "fp32",
                           "--steps", "8", "--json"};
    RUN(r, kExitOk, tiny);
    const QJsonObject j = QJsonDocument::fromJson(r.out).object();
    QVERIFY2(!j.isEmpty(), r.out.constData());
    QVERIFY(j.value("seconds_per_step").toDouble() > 0);  // 8 steps of the UNet at twice the batch
    QVERIFY(j.value("one_step_generation_s").toDouble() > 0);
    QVERIFY(j.value("first_generation_s").toDouble() > 0);
    QCOMPARE(j.value("resolution").toInt(), 64);
    QCOMPARE(j.value("sampler").toString(), QString("ddim"));

    if (haveFixtures()) {
      RUN(saved, kExitOk, {"bench", "--sampling", "--model", fixture("tiny-sd15"), "--device", "cpu", "--precision",
                           "fp32", "--steps", "2", "--sampler", "euler", "--guidance", "1", "--json"});
      const QJsonObject s = QJsonDocument::fromJson(saved.out).object();
      QCOMPARE(s.value("model").toString(), fixture("tiny-sd15"));
      QCOMPARE(s.value("guidance").toDouble(), 1.0);
      QVERIFY(std::isfinite(s.value("seconds_per_step").toDouble()));
    }

    RUN(missing, kExitUsage, {"bench", "--sampling", "--model", "sd16", "--device", "cpu"});
    QVERIFY2(missing.err.contains("is not sd15, sd21, sdxl or tiny"), missing.err.constData());
    RUN(both, kExitUsage, QStringList(tiny) << "--checkpointing");
    RUN(samplerAlone, kExitUsage, {"bench", "--sampler", "ddim", "--device", "cpu"});
  }

  void docsMatchTheSourceTree() {
    const QByteArray docs = readFile(sourceFile("docs/configuration.md"));
    QVERIFY2(!docs.isEmpty(), "docs/configuration.md is missing");
    RUN(r, kExitOk, {"config", "docs"});
    QVERIFY2(r.out == docs,
             "docs/configuration.md is out of date; run `sdtrain config docs --out docs/configuration.md`");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    RUN(toFile, kExitOk, {"config", "docs", "--out", dir.filePath("configuration.md")});
    QCOMPARE(readFile(dir.filePath("configuration.md")), docs);
  }

};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
