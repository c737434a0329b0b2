// The CLIP tokenizer: ids equal to transformers' on the golden prompts, SDXL's second tokenizer padding with
// "!", truncation, Unicode details (invalid UTF-8, NFC, case mapping) and every kind of loading error.

#include <QtTest>

#include "fixtures.h"
#include "test_files.h"
#include "qt_strings.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "text/clip_tokenizer.h"

using sds::text::ClipTokenizer;
using sds::text::TokenizerError;

namespace {

using Ids = QList<qint64>;

Ids toIds(const std::vector<std::int64_t>& ids) { return Ids(ids.begin(), ids.end()); }

Ids toIds(const QJsonValue& value) {
  Ids ids;
  for (const QJsonValue& id : value.toArray()) ids << qint64(id.toDouble());
  return ids;
}

QJsonObject readJsonObject(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(file.readAll()).object();
}

// A small tokenizer folder: the byte symbols of "a", "b" and "c" (none for "d"), one merge "a b</w>" and the
// CLIP special tokens.
void writeTinyTokenizer(const QString& dir) {
  writeFile(dir + "/vocab.json",
            R"({"a": 0, "b": 1, "c": 2, "a</w>": 3, "b</w>": 4, "c</w>": 5, "ab</w>": 6,
                "<|startoftext|>": 7, "<|endoftext|>": 8, "!": 9})");
  writeFile(dir + "/merges.txt", "#version: 0.2\na b</w>\n");
  writeFile(dir + "/special_tokens_map.json",
            R"({"bos_token": "<|startoftext|>", "eos_token": {"content": "<|endoftext|>", "normalized": true},
                "pad_token": "!", "unk_token": "<|endoftext|>"})");
}

// `from`'s tokenizer as transformers 5 saves it: tokenizer.json (the tokenizers library's layout, merges
// as "a b" strings or as pairs) and tokenizer_config.json, without vocab.json and merges.txt.
void writeTokenizerJsonFolder(const QString& from, const QString& to, bool mergesAsPairs) {
  QFile mergesFile(from + "/merges.txt");
  QVERIFY(mergesFile.open(QIODevice::ReadOnly));
  QJsonArray merges;
  for (const QByteArray& line : mergesFile.readAll().split('\n')) {
    if (line.isEmpty() || line.startsWith("#version")) continue;
    const QString merge = QString::fromUtf8(line);
    if (mergesAsPairs)
      merges.append(QJsonArray::fromStringList(merge.split(' ')));
    else
      merges.append(merge);
  }
  const QJsonObject vocab = readJsonObject(from + "/vocab.json");
  const QJsonArray added{QJsonObject{{"id", vocab.value("<|startoftext|>")}, {"content", "<|startoftext|>"}, {"special", true}},
                         QJsonObject{{"id", vocab.value("<|endoftext|>")}, {"content", "<|endoftext|>"}, {"special", true}}};
  const QJsonObject model{{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}, {"end_of_word_suffix", "</w>"},
                          {"continuing_subword_prefix", ""}, {"dropout", QJsonValue()}, {"unk_token", "<|endoftext|>"}};
  const QJsonObject json{{"version", "1.0"}, {"added_tokens", added}, {"model", model}};
  writeFile(to + "/tokenizer.json", QJsonDocument(json).toJson());
  QVERIFY(QFile::copy(from + "/tokenizer_config.json", to + "/tokenizer_config.json"));
}

// The message of the TokenizerError that loading `dir` throws, or "" when it loads.
QString loadError(const QString& dir) {
  try {
    ClipTokenizer::fromFolder(dir.toStdString());
  } catch (const TokenizerError& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

}  // namespace

class TestTokenizer : public QObject {
  Q_OBJECT

  std::optional<ClipTokenizer> sd15_;
  QJsonArray cases_;

  const ClipTokenizer& sd15() const { return *sd15_; }

 private slots:
  void initTestCase() {
    SDS_REQUIRE_FIXTURES();
    QElapsedTimer timer;
    timer.start();
    sd15_ = ClipTokenizer::fromFolder(fixture("tokenizer").toStdString());
    qInfo("loaded tokenizer/ (%zu tokens) in %lld ms", sd15().vocabSize(), timer.elapsed());
    const QJsonObject golden = readJsonObject(fixture("golden/tokenizer_cases.json"));
    cases_ = golden.value("cases").toArray();
    QVERIFY2(!cases_.isEmpty(), "golden/tokenizer_cases.json has no cases");
  }

  void properties() {
    QCOMPARE(sd15().vocabSize(), std::size_t(49408));
    QCOMPARE(sd15().bosId(), qint64(49406));
    QCOMPARE(sd15().eosId(), qint64(49407));
    QCOMPARE(sd15().padId(), qint64(49407));
    QCOMPARE(sd15().maxLength(), 77);
  }

  void goldens_data() {
    QTest::addColumn<QByteArray>("prompt");
    QTest::addColumn<QJsonObject>("golden");
    for (int i = 0; i < cases_.size(); ++i) {
      const QJsonObject golden = cases_[i].toObject();
      const QString prompt = golden.value("prompt").toString();
      QTest::addRow("%d %s", i, qPrintable(prompt.left(40).simplified())) << prompt.toUtf8() << golden;
    }
  }

  void goldens() {
    QFETCH(QByteArray, prompt);
    QFETCH(QJsonObject, golden);
    const std::string text = prompt.toStdString();
    int compared = 0;
    for (const char* key : {"slow_ids_padded", "fast_ids_padded"}) {
      if (!golden.contains(key)) continue;
      QCOMPARE(toIds(sd15().encodePadded(text)), toIds(golden.value(key)));
      ++compared;
    }
    QVERIFY2(compared > 0, "the case has no padded ids");
    for (const char* key : {"slow_ids", "fast_ids"}) {
      if (!golden.contains(key)) continue;
      const Ids expected = toIds(golden.value(key));
      QCOMPARE(toIds(sd15().encode(text)), expected);
      QCOMPARE(sd15().tokenCount(text), std::size_t(expected.size() - 2));
    }
  }

  // transformers 5 saves only tokenizer.json: the same ids on every golden prompt.
  void tokenizerJsonGivesTheSameIds() {
    QTemporaryDir dir;
    writeTokenizerJsonFolder(fixture("tokenizer"), dir.path(), false);
    const ClipTokenizer fromJson = ClipTokenizer::fromFolder(dir.path().toStdString());
    QCOMPARE(fromJson.vocabSize(), sd15().vocabSize());
    QCOMPARE(fromJson.padId(), sd15().padId());
    for (const QJsonValue& c : cases_) {
      const std::string prompt = c.toObject().value("prompt").toString().toStdString();
      QCOMPARE(toIds(fromJson.encodePadded(prompt)), toIds(sd15().encodePadded(prompt)));
    }
  }

  // SDXL's second tokenizer, with merges as pairs (tokenizers 0.20 on) and its pad token "!".
  void tokenizerJsonWithMergePairs() {
    QTemporaryDir dir;
    const QString second = fixture("tiny-sdxl/tokenizer_2");
    writeTokenizerJsonFolder(second, dir.path(), true);
    const ClipTokenizer fromJson = ClipTokenizer::fromFolder(dir.path().toStdString());
    const ClipTokenizer fromFiles = ClipTokenizer::fromFolder(second.toStdString());
    QCOMPARE(fromJson.padId(), fromFiles.padId());
    for (const char* prompt : {"a photo of an astronaut riding a horse!", "Ünïcödé, numbers 1234 and don't"})
      QCOMPARE(toIds(fromJson.encodePadded(prompt)), toIds(fromFiles.encodePadded(prompt)));
  }

  void tokenizerJsonErrors_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("no model") << QByteArray(R"({"version": "1.0"})") << QStringList{"tokenizer.json", "\"model\""};
    QTest::newRow("not BPE") << QByteArray(R"({"model": {"type": "WordPiece", "vocab": {}}})")
                             << QStringList{"tokenizer.json", "model.type", "BPE"};
    QTest::newRow("bad merge") << QByteArray(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b", 7]}})")
                               << QStringList{"tokenizer.json", "model.merges[1]"};
    QTest::newRow("merge unknown") << QByteArray(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": [["a", "x"]]}})")
                                   << QStringList{"tokenizer.json model.merges line 1", "\"x\" is not in the vocabulary"};
    QTest::newRow("other suffix") << QByteArray(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [], "end_of_word_suffix": "##"}})")
                                  << QStringList{"tokenizer.json", "end_of_word_suffix"};
  }

  void tokenizerJsonErrors() {
    QFETCH(QByteArray, content);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    writeFile(dir.path() + "/tokenizer.json", content);
    const QString message = loadError(dir.path());
    for (const QString& part : expected) QVERIFY2(message.contains(part), qPrintable("message: " + message));
  }

  void truncationKeepsEos() {
    std::string text;
    for (int i = 0; i < 100; ++i) text += "cat ";
    QCOMPARE(sd15().tokenCount(text), std::size_t(100));
    const std::vector<std::int64_t> ids = sd15().encodePadded(text);
    QCOMPARE(ids.size(), std::size_t(77));
    QCOMPARE(ids.front(), sd15().bosId());
    QCOMPARE(ids.back(), sd15().eosId());
    QCOMPARE(ids[75], sd15().encode("cat")[1]);
    // Exactly 75 tokens fit without truncation.
    text.clear();
    for (int i = 0; i < 75; ++i) text += "cat ";
    QCOMPARE(toIds(sd15().encodePadded(text)), toIds(sd15().encode(text)));
  }

  void tokenCount() {
    QCOMPARE(sd15().tokenCount(""), std::size_t(0));
    QCOMPARE(sd15().tokenCount("a photo of an astronaut"), std::size_t(5));
    QCOMPARE(sd15().tokenCount("   \t\n "), std::size_t(0));
    QCOMPARE(sd15().tokenCount("12345"), std::size_t(5));  // digits are tokens of their own
  }

  void sdxlSecondTokenizerPadsWithExclamationMark() {
    const ClipTokenizer second = ClipTokenizer::fromFolder(fixture("tiny-sdxl/tokenizer_2").toStdString());
    const QJsonObject vocab = readJsonObject(fixture("tiny-sdxl/tokenizer_2/vocab.json"));
    QCOMPARE(second.padId(), qint64(vocab.value("!").toInt(-1)));
    QCOMPARE(second.padId(), qint64(0));
    QCOMPARE(second.eosId(), sd15().eosId());

    const std::string prompt = "a photo of a cat";
    Ids expected = toIds(sd15().encode(prompt));
    while (expected.size() < 77) expected << 0;
    QCOMPARE(toIds(second.encodePadded(prompt)), expected);

    // The pad token is a special token there: every "!" is cut out as id 0, as transformers does.
    const std::int64_t wow = sd15().encode("wow")[1];
    QCOMPARE(toIds(second.encode("wow!!")), Ids({49406, wow, 0, 0, 49407}));
    QCOMPARE(toIds(sd15().encode("wow!!")), Ids({49406, wow, sd15().encode("!!")[1], 49407}));
  }

  void specialTokensInText() {
    // Written exactly, they are cut out as their ids; otherwise they are ordinary text.
    QCOMPARE(toIds(sd15().encode("a<|endoftext|>b")),
             Ids({49406, sd15().encode("a")[1], 49407, sd15().encode("b")[1], 49407}));
    const std::vector<std::int64_t> upper = sd15().encode("<|ENDOFTEXT|>");
    QCOMPARE(std::count(upper.begin(), upper.end(), sd15().eosId()), 1);  // "<|", "endoftext", "|>"
    QCOMPARE(toIds(sd15().encode("<|ENDOFTEXT|>")), toIds(sd15().encode("<| endoftext |>")));
  }

  void invalidUtf8IsReplaced() {
    const std::string replacement = "\xEF\xBF\xBD";
    // One U+FFFD per maximal ill-formed subpart, as Python's errors="replace" decoding.
    QCOMPARE(toIds(sd15().encode("a\xFF b")), toIds(sd15().encode("a" + replacement + " b")));
    QCOMPARE(toIds(sd15().encode("x\xE2\x82y")), toIds(sd15().encode("x" + replacement + "y")));
    QCOMPARE(toIds(sd15().encode("\xF0\x9F\x90")), toIds(sd15().encode(replacement)));
    QCOMPARE(toIds(sd15().encode("\xC0\xAF")), toIds(sd15().encode(replacement + replacement)));
    QCOMPARE(toIds(sd15().encode("\xED\xA0\x80")), toIds(sd15().encode(replacement + replacement + replacement)));
    QCOMPARE(sd15().tokenCount(std::string("a\0b", 3)), std::size_t(3));  // a NUL is a symbol like any other
    QCOMPARE(sd15().encodePadded("\x80\x80\x80").size(), std::size_t(77));
  }

  void unicodeNormalizationAndCase() {
    // NFC: a decomposed accent tokenizes as the composed letter.
    QCOMPARE(toIds(sd15().encode("cafe\xCC\x81")), toIds(sd15().encode("caf\xC3\xA9")));
    // Full lowercase mapping per character: İ becomes i + U+0307, Σ is always σ.
    QCOMPARE(toIds(sd15().encode("\xC4\xB0stanbul")), toIds(sd15().encode("i\xCC\x87stanbul")));
    QCOMPARE(toIds(sd15().encode("\xCE\xA3\xCE\x91\xCE\xA3")), toIds(sd15().encode("\xCF\x83\xCE\xB1\xCF\x83")));
    // Fullwidth letters lowercase too; non-breaking and ideographic spaces separate words.
    QCOMPARE(toIds(sd15().encode("\xEF\xBC\xA1")), toIds(sd15().encode("\xEF\xBD\x81")));
    QCOMPARE(toIds(sd15().encode("red\xC2\xA0" "cat\xE3\x80\x80hat")), toIds(sd15().encode("red cat hat")));
  }

  void sharedBetweenThreads() {
    const ClipTokenizer copy = sd15();  // copies share the vocabulary and the cache
    std::vector<std::string> prompts;
    std::vector<std::vector<std::int64_t>> expected;
    for (const QJsonValue& c : cases_) {
      prompts.push_back(c.toObject().value("prompt").toString().toStdString());
      expected.push_back(sd15().encodePadded(prompts.back()));
    }
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 20; ++round)
          for (std::size_t i = 0; i < prompts.size(); ++i)
            if (copy.encodePadded(prompts[(i + t) % prompts.size()]) != expected[(i + t) % prompts.size()])
              ++mismatches;
      });
    }
    for (std::thread& thread : threads) thread.join();
    QCOMPARE(mismatches.load(), 0);
  }

  void throughput() {
    // Many captions of a dataset, most words repeated: the per-piece cache keeps this fast.
    std::vector<std::string> captions;
    for (int i = 0; i < 10000; ++i)
      captions.push_back("1girl, solo, long hair, looking at viewer, smile, outfit" + std::to_string(i % 500) +
                         ", masterpiece, best quality, highly detailed background");
    QElapsedTimer timer;
    timer.start();
    std::size_t tokens = 0;
    for (const std::string& caption : captions) tokens += sd15().encodePadded(caption).size();
    qInfo("%zu captions tokenized in %lld ms", captions.size(), timer.elapsed());
    QCOMPARE(tokens, captions.size() * 77);
  }

  void tinyFolder() {
    QTemporaryDir dir;
    writeTinyTokenizer(dir.path());
    const ClipTokenizer tiny = ClipTokenizer::fromFolder(dir.path().toStdString());
    QCOMPARE(tiny.vocabSize(), std::size_t(10));
    QCOMPARE(tiny.padId(), qint64(9));
    QCOMPARE(tiny.maxLength(), 77);                                   // no tokenizer_config.json
    QCOMPARE(toIds(tiny.encode("AB ba")), Ids({7, 6, 1, 3, 8}));      // "ab</w>" by the merge; "b", "a</w>"
    QCOMPARE(toIds(tiny.encode("d c")), Ids({7, 8, 5, 8}));           // "d" has no symbol: the unknown token
    QCOMPARE(toIds(tiny.encode("a!")), Ids({7, 3, 9, 8}));            // the pad token "!" is special
  }

  void maxLengthFromConfig() {
    QTemporaryDir dir;
    writeTinyTokenizer(dir.path());
    writeFile(dir.path() + "/tokenizer_config.json", R"({"model_max_length": 5, "pad_token": "c"})");
    ClipTokenizer tiny = ClipTokenizer::fromFolder(dir.path().toStdString());
    QCOMPARE(tiny.maxLength(), 5);
    QCOMPARE(tiny.padId(), qint64(9));  // special_tokens_map.json overrides tokenizer_config.json
    QCOMPARE(toIds(tiny.encodePadded("a")), Ids({7, 3, 8, 9, 9}));
    QCOMPARE(toIds(tiny.encodePadded("a a a a a")), Ids({7, 3, 3, 3, 8}));

    // transformers' "no limit" value means CLIP's 77.
    writeFile(dir.path() + "/tokenizer_config.json", R"({"model_max_length": 1000000000000000019884624838656})");
    QCOMPARE(ClipTokenizer::fromFolder(dir.path().toStdString()).maxLength(), 77);
  }

  // A tokenizer made for short prompts (the demo's model) pads to its own length, and a saved copy reads
  // back with that length.
  void shortSequenceFromDataIsSaved() {
    QTemporaryDir dir;
    writeTinyTokenizer(dir.path());
    const ClipTokenizer shortOne = ClipTokenizer::fromData(readFile(dir.path() + "/vocab.json").toStdString(),
                                                           readFile(dir.path() + "/merges.txt").toStdString(), "!",
                                                           "test data", 6);
    QCOMPARE(shortOne.maxLength(), 6);
    QCOMPARE(toIds(shortOne.encodePadded("a")), Ids({7, 3, 8, 9, 9, 9}));
    QTemporaryDir saved;
    shortOne.save(saved.path().toStdString());
    const ClipTokenizer back = ClipTokenizer::fromFolder(saved.path().toStdString());
    QCOMPARE(back.maxLength(), 6);
    QCOMPARE(toIds(back.encodePadded("a a a a a a")), Ids({7, 3, 3, 3, 3, 8}));
    QVERIFY_THROWS_EXCEPTION(TokenizerError, ClipTokenizer::fromData("{}", "", "!", "test data", 1));
  }

  void loadErrors_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");  // empty: the file is removed
    QTest::addColumn<QStringList>("expected");  // parts of the message

    QTest::newRow("no vocab") << "vocab.json" << QByteArray() << QStringList{"vocab.json", "file not found"};
    QTest::newRow("no merges") << "merges.txt" << QByteArray() << QStringList{"merges.txt", "file not found"};
    QTest::newRow("vocab bad JSON") << "vocab.json" << QByteArray(R"({"a": 0,)")
                                    << QStringList{"vocab.json", "invalid JSON"};
    QTest::newRow("vocab not an object") << "vocab.json" << QByteArray("[1, 2]")
                                         << QStringList{"vocab.json", "expected a JSON object"};
    QTest::newRow("vocab id not integer") << "vocab.json" << QByteArray(R"({"a": "zero"})")
                                          << QStringList{"vocab.json", "\"a\"", "non-negative integer"};
    QTest::newRow("merge one token") << "merges.txt" << QByteArray("#version: 0.2\na b</w>\nab\n")
                                     << QStringList{"merges.txt line 3", "two tokens", "\"ab\""};
    QTest::newRow("merge three tokens") << "merges.txt" << QByteArray("a b</w>\na b c\n")
                                        << QStringList{"merges.txt line 2", "two tokens"};
    QTest::newRow("merge two spaces") << "merges.txt" << QByteArray("#version: 0.2\na  b</w>\n")
                                      << QStringList{"merges.txt line 2", "two tokens"};
    QTest::newRow("merge unknown token") << "merges.txt" << QByteArray("#version: 0.2\na x\n")
                                         << QStringList{"merges.txt line 2", "\"x\" is not in the vocabulary"};
    QTest::newRow("merge result unknown") << "merges.txt" << QByteArray("#version: 0.2\nb c\n")
                                          << QStringList{"merges.txt line 2", "\"bc\" is not in the vocabulary"};
    QTest::newRow("pad not in vocab") << "special_tokens_map.json" << QByteArray(R"({"pad_token": "<pad>"})")
                                      << QStringList{"special_tokens_map.json", "pad_token \"<pad>\"", "vocab.json"};
    QTest::newRow("pad wrong type") << "special_tokens_map.json" << QByteArray(R"({"pad_token": 3})")
                                    << QStringList{"special_tokens_map.json", "pad_token"};
    QTest::newRow("config bad JSON") << "tokenizer_config.json" << QByteArray("{model_max_length: 77}")
                                     << QStringList{"tokenizer_config.json", "invalid JSON"};
    QTest::newRow("max length too small") << "tokenizer_config.json" << QByteArray(R"({"model_max_length": 1})")
                                          << QStringList{"tokenizer_config.json", "model_max_length"};
  }

  void loadErrors() {
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    writeTinyTokenizer(dir.path());
    if (content.isEmpty())
      QVERIFY(QFile::remove(dir.path() + "/" + file));
    else
      writeFile(dir.path() + "/" + file, content);
    const QString message = loadError(dir.path());
    for (const QString& part : expected) QVERIFY2(message.contains(part), qPrintable("message: " + message));
  }

  void emptyFolder() {
    QTemporaryDir dir;
    const QString message = loadError(dir.path());
    QVERIFY2(message.contains(dir.path()) && message.contains("tokenizer.json") && message.contains("vocab.json"),
             qPrintable(message));
  }

  void missingFolder() {
    QTemporaryDir dir;
    const QString missing = dir.path() + "/nothing-here";
    const QString message = loadError(missing);
    QVERIFY2(message.contains(missing) && message.contains("not found"), qPrintable(message));
  }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
