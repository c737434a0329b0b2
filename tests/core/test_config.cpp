// Project files: the schema, writing and reading back, every kind of diagnostic with its position,
// atomic saving and the generated configuration reference.

#include <QtTest>

#include "qt_strings.h"

#include <sys/stat.h>

#include <cfloat>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/choice_labels.h"
#include "config/project.h"
#include "config/schema.h"
#include "util/i18n.h"

using namespace sds::config;

namespace {



// A project with a base model and a dataset is valid at its defaults; tests add the problem they check
// and these two sections only where the text does not have them already. Appending keeps line numbers.
std::string withBase(const std::string& text) {
  std::string out = text;
  if (text.find("[model]") == std::string::npos) out += "\n[model]\npath = \"base.safetensors\"\n";
  if (text.find("[dataset]") == std::string::npos) out += "\n[dataset]\npath = \"images\"\n";
  return out;
}

LoadResult parse(const std::string& text) { return parseProject(text, "p.toml"); }

QString describe(const std::vector<Diagnostic>& diagnostics) {
  QString out;
  for (const Diagnostic& d : diagnostics) out += "\n  " + qs(d.format());
  return out;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every file (hidden ones too) in a folder, sorted.
QStringList entries(const QString& folder) {
  return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

// The keys written as `name = value` lines, as section.name, in file order.
std::vector<std::string> writtenKeys(const std::string& text) {
  std::vector<std::string> keys;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      continue;
    }
    const auto eq = line.find(" = ");
    if (eq != std::string::npos) keys.push_back(section + "." + line.substr(0, eq));
  }
  return keys;
}

// A project where every setting differs from its default, exercising every value type and the
// awkward cases of TOML literals. Range checks do not matter here: only the round trip does.
Project unusualProject() {
  const std::vector<double> floats = {1e-5, 0.1, 3.0, 1.0 / 3.0, 2.5e-7, 100.0, 0.123456789, 1e300, 5e-324};
  const std::vector<std::string> strings = {
      "say \"hi\"",           "C:\\path\\to\\model.safetensors", "two\nlines\r\nand\ttab",
      "ünïcødé 漢字 🎉",      "control \x01\x1f\x7f bytes",      "# not a comment = [model]",
      "trailing backslash\\", "'single' \"\"\" triple",
  };
  const std::vector<StringList> lists = {
      {},
      {"with \"quote\"", "back\\slash", "new\nline", "ünïcødé 漢字"},
      {""},
      {"a", "b", "c", "d", "e"},
  };
  Project p;
  std::size_t f = 0, s = 0, l = 0;
  for (const Setting* setting : Schema::project().settings()) {
    const std::string key = setting->key();
    const Value& def = setting->defaultValue;
    switch (setting->type) {
      case ValueType::Bool: p.set(key, !std::get<bool>(def)); break;
      case ValueType::Integer: {
        const std::int64_t step = setting->multipleOf > 1 ? setting->multipleOf : 1;
        const std::int64_t v = std::get<std::int64_t>(def);
        p.set(key, v + step <= *setting->maximum ? v + step : v - step);
        break;
      }
      case ValueType::Float: {
        double v = floats[f++ % floats.size()];
        if (v == std::get<double>(def)) v = floats[f++ % floats.size()];
        p.set(key, v);
        break;
      }
      case ValueType::String:
      case ValueType::Path: {
        std::string v = strings[s++ % strings.size()];
        p.set(key, v);
        break;
      }
      case ValueType::Choice:
        p.set(key, setting->choices.back() != std::get<std::string>(def) ? setting->choices.back()
                                                                          : setting->choices.front());
        break;
      case ValueType::StringList: {
        StringList v = lists[l++ % lists.size()];
        if (v == std::get<StringList>(def)) v = lists[l++ % lists.size()];
        p.set(key, v);
        break;
      }
    }
  }
  return p;
}

struct ExpectedDiagnostic {
  int line;
  int column;
  const char* key;
  const char* message;
};

}  // namespace

class TestConfig : public QObject {
  Q_OBJECT

 private slots:
  void cleanup() { sds::i18n::setTranslator(nullptr); }

  // --- schema ---

  void schemaIsConsistent() {
    const Schema& schema = Schema::project();
    std::set<std::string> keys;
    for (const Setting* s : schema.settings()) {
      const QByteArray key = QByteArray::fromStdString(s->key());
      QVERIFY2(keys.insert(s->key()).second, key + " appears twice");
      QVERIFY2(schema.findSection(s->section) != nullptr, key);
      QCOMPARE(schema.find(s->key()), s);
      QVERIFY2(*s->label && *s->help, key + " needs a label and help text");
      // Every default is an allowed value of its own setting.
      const std::string problem = checkValue(*s, s->defaultValue);
      QVERIFY2(problem.empty(), key + ": " + QByteArray::fromStdString(problem));
      const std::size_t expectedIndex = s->type == ValueType::Bool      ? 0
                                        : s->type == ValueType::Integer ? 1
                                        : s->type == ValueType::Float   ? 2
                                        : s->type == ValueType::StringList ? 4
                                                                           : 3;
      QCOMPARE(s->defaultValue.index(), expectedIndex);
      if (s->type == ValueType::Choice) QVERIFY2(s->choices.size() >= 2, key);
      // Every choice has a label for people (the studio shows it instead of the TOML value).
      for (const std::string& choice : s->choices)
        QVERIFY2(choiceLabel(choice) != nullptr, key + ": no label for \"" + QByteArray::fromStdString(choice) + "\"");
    }
    QCOMPARE(schema.keys().size(), keys.size());
    QVERIFY(keys.size() > 50);
    QCOMPARE(choiceLabel("lora"), "LoRA");
    QVERIFY(choiceLabel("no such value") == nullptr);
  }

  void schemaLookup() {
    const Schema& schema = Schema::project();
    QVERIFY(schema.find("optimizer.learning_rate"));
    QCOMPARE(schema.find("optimizer.learning_rate")->type, ValueType::Float);
    QCOMPARE(qs(schema.find("optimizer.learning_rate")->key()), QString("optimizer.learning_rate"));
    QVERIFY(!schema.find("optimizer"));
    QVERIFY(!schema.find("optimizer."));
    QVERIFY(!schema.find("optimiser.learning_rate"));
    QVERIFY(!schema.find("training.learning_rate"));
    QVERIFY(!schema.find(""));
    QVERIFY(schema.findSection("lr_schedule"));
    QVERIFY(!schema.findSection("lr-schedule"));
    QCOMPARE(qs(schema.keys().front()), QString("project.name"));
  }

  void allowedValues_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("allowed");
    QTest::newRow("bool") << "training.gradient_checkpointing" << "true or false";
    QTest::newRow("integer") << "training.batch_size" << "an integer, at least 1 and at most 4096";
    QTest::newRow("multiple") << "resolution.size" << "a multiple of 64, at least 64 and at most 4096";
    QTest::newRow("exclusive minimum") << "optimizer.learning_rate" << "a number, greater than 0 and at most 1";
    QTest::newRow("exclusive maximum") << "optimizer.beta2" << "a number, at least 0 and less than 1";
    QTest::newRow("no maximum") << "training.max_grad_norm" << "a number, at least 0";
    QTest::newRow("whole-number bound") << "training.min_snr_gamma" << "a number, at least 0 and at most 100";
    QTest::newRow("fraction bound") << "validation.split" << "a number, at least 0 and at most 0.5";
    QTest::newRow("required text") << "project.name" << "a non-empty text in quotes";
    QTest::newRow("text") << "sampling.negative_prompt" << "a text in quotes";
    QTest::newRow("path") << "model.vae" << "a path in quotes";
    QTest::newRow("choice") << "training.precision" << "one of \"fp32\", \"bf16\" or \"fp16\"";
    QTest::newRow("list") << "lora.target_modules" << "a list of texts, like [\"a\", \"b\"]";
  }
  void allowedValues() {
    QFETCH(QString, key);
    QFETCH(QString, allowed);
    const Setting* s = Schema::project().find(key.toStdString());
    QVERIFY(s);
    QCOMPARE(qs(describeAllowed(*s)), allowed);
  }

  void tomlLiterals_data() {
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("literal");
    QTest::newRow("true") << 0 << "true";
    QTest::newRow("integer") << 1 << "-42";
    QTest::newRow("float") << 2 << "1e-05";
    QTest::newRow("whole float") << 3 << "3.0";
    QTest::newRow("string") << 4 << "\"a \\\"b\\\" \\\\ c\\nd\"";
    QTest::newRow("control") << 5 << "\"\\u0001\\u007f\"";
    QTest::newRow("empty list") << 6 << "[]";
    QTest::newRow("list") << 7 << "[\"to_q\", \"to_out.0\"]";
  }
  void tomlLiterals() {
    QFETCH(int, row);
    QFETCH(QString, literal);
    const std::vector<Value> values = {true, std::int64_t(-42), 1e-5, 3.0, std::string("a \"b\" \\ c\nd"),
                                       std::string("\x01\x7f"), StringList{}, StringList{"to_q", "to_out.0"}};
    QCOMPARE(qs(toTomlLiteral(values[std::size_t(row)])), literal);
  }

  void projectAccessors() {
    Project p;
    QCOMPARE(p.getFloat("optimizer.learning_rate"), 1e-5);
    QCOMPARE(p.getInt("training.max_steps"), std::int64_t(1000));
    QCOMPARE(qs(p.getString("project.name")), QString("my-model"));
    QCOMPARE(p.getBool("training.train_unet"), true);
    QCOMPARE(p.getList("lora.target_modules").size(), std::size_t(4));
    QCOMPARE(p.values().size(), Schema::project().keys().size());

    Project q;
    q.set("optimizer.learning_rate", 2e-5);
    QVERIFY(p != q);
    QCOMPARE(q.getFloat("optimizer.learning_rate"), 2e-5);
    // set() holds out-of-range values so editors can keep what was typed.
    q.set("training.batch_size", std::int64_t(-3));
    QCOMPARE(q.getInt("training.batch_size"), std::int64_t(-3));

    bool threw = false;
    try {
      p.set("optimizer.learning_rate", std::string("fast"));
    } catch (const std::invalid_argument& e) {
      threw = true;
      QVERIFY2(std::string(e.what()).find("optimizer.learning_rate") != std::string::npos, e.what());
    }
    QVERIFY(threw);
    threw = false;
    try {
      p.set("training.max_steps", 10.0);  // a double is not an integer, even a whole one
    } catch (const std::invalid_argument&) {
      threw = true;
    }
    QVERIFY(threw);
    threw = false;
    try {
      p.set("optimizer.learnig_rate", 1e-4);
    } catch (const std::invalid_argument& e) {
      threw = true;
      QVERIFY2(std::string(e.what()).find("optimizer.learnig_rate") != std::string::npos, e.what());
    }
    QVERIFY(threw);
    threw = false;
    try {
      (void)p.get("nope.nothing");
    } catch (const std::out_of_range&) {
      threw = true;
    }
    QVERIFY(threw);
    QVERIFY(p == Project());  // failed sets change nothing
  }

  // --- writing and reading back ---

  void defaultsRoundTrip() {
    const Project defaults;
    const std::string text = writeProject(defaults);
    const LoadResult result = parse(text);
    QVERIFY(result.project == defaults);
    // The defaults leave out the two things every project must name; nothing else is wrong.
    QCOMPARE(result.diagnostics.size(), std::size_t(2));
    QCOMPARE(qs(result.diagnostics[0].key), QString("model.path"));
    QCOMPARE(qs(result.diagnostics[1].key), QString("dataset.path"));
    for (const Diagnostic& d : result.diagnostics) {
      QVERIFY(d.isError());
      QVERIFY(d.line > 0 && d.column > 0);  // written in the file, so they have a position
    }
    // Every key and section has its position.
    for (const std::string& key : Schema::project().keys()) QVERIFY2(result.positions.count(key), key.c_str());
    for (const Section& section : Schema::project().sections())
      QVERIFY2(result.positions.count(section.name), section.name.c_str());
    // Writing is deterministic.
    QCOMPARE(qs(writeProject(result.project)), qs(text));
  }

  void unusualValuesRoundTrip() {
    const Project original = unusualProject();
    const Project defaults;
    for (const std::string& key : Schema::project().keys())
      QVERIFY2(original.get(key) != defaults.get(key), (key + " should differ from its default").c_str());

    const std::string text = writeProject(original);
    const LoadResult result = parse(text);
    for (const Diagnostic& d : result.diagnostics) {
      // Range problems are expected with these values; anything about reading the file is not.
      QVERIFY2(!d.key.empty() && d.line > 0, d.format().c_str());
      QVERIFY2(d.message.find("unknown") == std::string::npos, d.format().c_str());
    }
    for (const std::string& key : Schema::project().keys()) {
      const std::string wrote = toTomlLiteral(original.get(key)), read = toTomlLiteral(result.project.get(key));
      QVERIFY2(result.project.get(key) == original.get(key), (key + ": wrote " + wrote + ", read " + read).c_str());
    }
    QVERIFY(result.project == original);
    QCOMPARE(qs(writeProject(result.project)), qs(text));
  }

  void writtenFileListsEveryKey() {
    for (const Project& p : {Project(), unusualProject()}) {
      const std::string text = writeProject(p);
      QCOMPARE(qsl(writtenKeys(text)), qsl(Schema::project().keys()));
      std::istringstream in(text);
      std::string line;
      while (std::getline(in, line)) {
        // Values never spill onto a second line and comments are wrapped.
        const bool ok = line.empty() || line[0] == '#' || line[0] == '[' || line.find(" = ") != std::string::npos;
        QVERIFY2(ok, line.c_str());
        if (line[0] == '#') QVERIFY2(line.size() <= 100 || line.find(' ', 2) == std::string::npos, line.c_str());
      }
    }
    // A changed value carries its default as a comment.
    Project p;
    p.set("optimizer.learning_rate", 1e-4);
    const std::string text = writeProject(p);
    QVERIFY(text.find("learning_rate = 0.0001\n") != std::string::npos);
    QVERIFY(text.find("Default: 1e-05.") != std::string::npos);
    QVERIFY(writeProject(Project()).find("Default:") == std::string::npos);
  }

  void floatRoundTrip_data() {
    QTest::addColumn<double>("value");
    QTest::newRow("1e-5") << 1e-5;
    QTest::newRow("0.1") << 0.1;
    QTest::newRow("3.0") << 3.0;
    QTest::newRow("1/3") << 1.0 / 3.0;
    QTest::newRow("0.1+0.2") << 0.1 + 0.2;
    QTest::newRow("100") << 100.0;
    QTest::newRow("1e16") << 1e16;
    QTest::newRow("1e300") << 1e300;
    QTest::newRow("5e-324") << 5e-324;
    QTest::newRow("DBL_MAX") << DBL_MAX;
    QTest::newRow("negative") << -2.5;
    QTest::newRow("inf") << std::numeric_limits<double>::infinity();
  }
  void floatRoundTrip() {
    QFETCH(double, value);
    Project p;
    p.set("lora.alpha", value);
    const LoadResult result = parse(writeProject(p));
    QCOMPARE(result.project.getFloat("lora.alpha"), value);
    QVERIFY(result.project == p);
  }

  void stringRoundTrip_data() {
    QTest::addColumn<QByteArray>("value");  // UTF-8
    QTest::newRow("quotes") << QByteArray("say \"hi\" and \"\"\"");
    QTest::newRow("backslashes") << QByteArray("C:\\models\\sd15\\");
    QTest::newRow("newlines") << QByteArray("line 1\nline 2\r\nline 3\n");
    QTest::newRow("tab and controls") << QByteArray("a\tb\x01\x1f\x7f\b\f");
    QTest::newRow("unicode") << QByteArray("ünïcødé — 漢字 — 🎉");
    QTest::newRow("looks like toml") << QByteArray("x\"\n[model]\npath = \"evil\"\n#");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("spaces") << QByteArray("  padded  ");
  }
  void stringRoundTrip() {
    QFETCH(QByteArray, value);
    const std::string s = value.toStdString();
    Project p;
    p.set("sampling.negative_prompt", s);
    p.set("model.vae", s);
    p.set("sampling.prompts", StringList{s, "plain", s});
    const LoadResult result = parse(writeProject(p));
    QCOMPARE(QByteArray::fromStdString(result.project.getString("sampling.negative_prompt")), value);
    QCOMPARE(QByteArray::fromStdString(result.project.getString("model.vae")), value);
    QVERIFY(result.project.getList("sampling.prompts") == (StringList{s, "plain", s}));
    QVERIFY(result.project == p);
  }

  void integerForFloat() {
    const LoadResult result = parse(withBase("[optimizer]\nlearning_rate = 1\nweight_decay = 0\n"));
    QVERIFY2(result.diagnostics.empty(), qPrintable(describe(result.diagnostics)));
    QVERIFY(std::holds_alternative<double>(result.project.get("optimizer.learning_rate")));
    QCOMPARE(result.project.getFloat("optimizer.learning_rate"), 1.0);
    QCOMPARE(result.project.getFloat("optimizer.weight_decay"), 0.0);
    // Positions point at the values.
    QCOMPARE(result.positions.at("optimizer.learning_rate").line, 2);
    QCOMPARE(result.positions.at("optimizer.learning_rate").column, 17);
    QCOMPARE(result.positions.at("optimizer.weight_decay").line, 3);
  }

  void accepted_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("empty file with base") << "";
    QTest::newRow("inclusive maximum") << "[optimizer]\nlearning_rate = 1.0\n";
    QTest::newRow("inclusive minimum") << "[optimizer]\nbeta1 = 0.0\n";
    QTest::newRow("largest seed") << "[training]\nseed = 9007199254740991\n";
    QTest::newRow("whole-number maximum") << "[training]\nmin_snr_gamma = 100\n";
    QTest::newRow("multiple of 64") << "[resolution]\nsize = 768\n";
    QTest::newRow("size outside buckets without buckets") << "[resolution]\nsize = 2048\nbuckets = false\n";
    QTest::newRow("equal bucket sides") << "[resolution]\nsize = 512\nmin_bucket_side = 512\nmax_bucket_side = 512\n";
    QTest::newRow("equal timesteps") << "[training]\ntimestep_min = 500\ntimestep_max = 500\n";
    QTest::newRow("full training without lora modules") << "[lora]\ntarget_modules = []\n";
    QTest::newRow("scratch needs no base model") << "[model]\ninit = \"scratch\"\narchitecture = \"tiny\"\n";
    QTest::newRow("warmup shorter than the run") << "[lr_schedule]\ntype = \"cosine\"\nwarmup_steps = 999\n";
    QTest::newRow("warmup ignored by constant") << "[lr_schedule]\nwarmup_steps = 5000\n";
    QTest::newRow("no prompts when not sampling") << "[sampling]\nevery_n_steps = 0\nprompts = []\n";
    QTest::newRow("keep tags with shuffling")
        << "[dataset]\npath = \"images\"\nshuffle_tags = true\nkeep_tags = 2\n";
    QTest::newRow("inline table section") << "optimizer = { learning_rate = 2e-5 }\n";
    QTest::newRow("comments and blank lines") << "# a comment\n\n[training] # trailing\nmax_steps = 10 # ten\n";
  }
  void accepted() {
    QFETCH(QString, text);
    const LoadResult result = parse(withBase(text.toStdString()));
    QVERIFY2(result.diagnostics.empty(), qPrintable(describe(result.diagnostics)));
    QVERIFY(result.ok());
  }

  // --- diagnostics ---

  void diagnostics_data() {
    QTest::addColumn<QString>("text");  // the base model and dataset are added where missing
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("isError");

    // Structure: unknown sections and keys, with suggestions.
    QTest::newRow("unknown section") << "[optimiser]\nlearning_rate = 1e-4\n" << 1 << 2 << "optimiser"
                                     << "unknown section [optimiser] (did you mean [optimizer]?)" << true;
    QTest::newRow("unknown section, nothing close")
        << "\n[foo]\n" << 2 << 2 << "foo"
        << "unknown section [foo]; the sections are project, model, training, distributed, lora, dataset, resolution, optimizer, "
           "lr_schedule, ema, checkpointing, sampling, validation, output or swarm"
        << true;
    QTest::newRow("unknown key") << "[optimizer]\nlearnig_rate = 1e-4\n" << 2 << 1 << "optimizer.learnig_rate"
                                 << "unknown setting (did you mean \"learning_rate\"?)" << true;
    QTest::newRow("key in the wrong section") << "[training]\nlearning_rate = 1e-4\n" << 2 << 1
                                              << "training.learning_rate"
                                              << "unknown setting here (did you mean optimizer.learning_rate?)" << true;
    QTest::newRow("unknown key, nothing close") << "[ema]\n  zzz = 1\n" << 2 << 3 << "ema.zzz"
                                                << "unknown setting; [ema] has enabled, decay, update_every or on_cpu"
                                                << true;
    QTest::newRow("top-level setting")
        << "learning_rate = 1e-4\n" << 1 << 1 << "learning_rate"
        << "unknown top-level setting \"learning_rate\"; settings belong in a section (did you mean to put it under "
           "[optimizer]?)"
        << true;
    QTest::newRow("top-level setting of two sections")
        << "seed = 1\n" << 1 << 1 << "seed"
        << "unknown top-level setting \"seed\"; settings belong in a section (did you mean to put it under "
           "[training] or [sampling]?)"
        << true;
    QTest::newRow("unknown top-level setting") << "colour = \"red\"\n" << 1 << 1 << "colour"
                                               << "unknown top-level setting \"colour\"; settings belong in a section"
                                               << true;

    // Types: the value is shown as written, with what is allowed.
    QTest::newRow("string for number") << "[optimizer]\nlearning_rate = \"fast\"\n" << 2 << 17
                                       << "optimizer.learning_rate"
                                       << "\"fast\" is not allowed; expected a number, greater than 0 and at most 1"
                                       << true;
    QTest::newRow("float for integer") << "[training]\nmax_steps = 10.5\n" << 2 << 13 << "training.max_steps"
                                       << "10.5 is not allowed; expected an integer, at least 1 and at most 1000000000"
                                       << true;
    QTest::newRow("number for bool") << "[training]\ngradient_checkpointing = 1\n" << 2 << 26
                                     << "training.gradient_checkpointing" << "1 is not allowed; expected true or false"
                                     << true;
    QTest::newRow("string for bool") << "[ema]\nenabled = \"yes\"\n" << 2 << 11 << "ema.enabled"
                                     << "\"yes\" is not allowed; expected true or false" << true;
    QTest::newRow("bool for string") << "[project]\nname = true\n" << 2 << 8 << "project.name"
                                     << "true is not allowed; expected a non-empty text in quotes" << true;
    QTest::newRow("string for list")
        << "[lora]\ntarget_modules = \"to_q\"\n" << 2 << 18 << "lora.target_modules"
        << "\"to_q\" is not allowed; expected a list of texts, like [\"a\", \"b\"]" << true;
    QTest::newRow("number in list") << "[sampling]\nprompts = [\"a cat\", 2]\n" << 2 << 11 << "sampling.prompts"
                                    << "[ \"a cat\", 2 ] is not allowed; expected a list of texts, like [\"a\", \"b\"]"
                                    << true;
    QTest::newRow("multi-line string for bool")
        << "[ema]\nenabled = \"\"\"yes\nno\"\"\"\n" << 2 << 11 << "ema.enabled"
        << "\"yes\\nno\" is not allowed; expected true or false" << true;
    QTest::newRow("table for integer")
        << "[training]\nmax_steps.x = 1\nmax_steps.y = 'a'\n" << 2 << 1 << "training.max_steps"
        << "{ x = 1, y = \"a\" } is not allowed; expected an integer, at least 1 and at most 1000000000" << true;
    // Cut to 57 bytes, but not inside the two bytes of an 'é'.
    QTest::newRow("long value is shortened")
        << "[project]\nname = [\"a" + QString(40, QChar(0xE9)) + "\"]\n" << 2 << 8 << "project.name"
        << "[ \"a" + QString(26, QChar(0xE9)) + "... is not allowed; expected a non-empty text in quotes" << true;

    // Ranges.
    QTest::newRow("below minimum") << "[training]\nbatch_size = 0\n" << 2 << 14 << "training.batch_size"
                                   << "0 is not allowed; expected an integer, at least 1 and at most 4096" << true;
    QTest::newRow("negative") << "[dataset]\npath = \"images\"\nworkers = -1\n" << 3 << 11 << "dataset.workers"
                              << "-1 is not allowed; expected an integer, at least 0 and at most 64" << true;
    QTest::newRow("equal to exclusive minimum")
        << "[optimizer]\nlearning_rate = 0.0\n" << 2 << 17 << "optimizer.learning_rate"
        << "0.0 is not allowed; expected a number, greater than 0 and at most 1" << true;
    QTest::newRow("integer equal to exclusive minimum")
        << "[optimizer]\nlearning_rate = 0\n" << 2 << 17 << "optimizer.learning_rate"
        << "0.0 is not allowed; expected a number, greater than 0 and at most 1" << true;
    QTest::newRow("equal to exclusive maximum") << "[optimizer]\nbeta1 = 1.0\n" << 2 << 9 << "optimizer.beta1"
                                                << "1.0 is not allowed; expected a number, at least 0 and less than 1"
                                                << true;
    QTest::newRow("above maximum") << "[optimizer]\nlearning_rate = 1.5\n" << 2 << 17 << "optimizer.learning_rate"
                                   << "1.5 is not allowed; expected a number, greater than 0 and at most 1" << true;
    QTest::newRow("above a whole-number maximum")
        << "[training]\nmin_snr_gamma = 101\n" << 2 << 17 << "training.min_snr_gamma"
        << "101.0 is not allowed; expected a number, at least 0 and at most 100" << true;
    QTest::newRow("above integer maximum") << "[training]\nbatch_size = 5000\n" << 2 << 14 << "training.batch_size"
                                           << "5000 is not allowed; expected an integer, at least 1 and at most 4096"
                                           << true;
    QTest::newRow("not finite") << "[lora]\nalpha = inf\n" << 2 << 9 << "lora.alpha"
                                << "inf is not allowed; expected a number, greater than 0" << true;
    QTest::newRow("not a multiple of 64")
        << "[resolution]\nsize = 500\n" << 2 << 8 << "resolution.size"
        << "500 is not allowed; expected a multiple of 64, at least 64 and at most 4096" << true;
    QTest::newRow("invalid choice with suggestion")
        << "[training]\nprecision = \"bf61\"\n" << 2 << 13 << "training.precision"
        << "\"bf61\" is not allowed; expected one of \"fp32\", \"bf16\" or \"fp16\" (did you mean \"bf16\"?)" << true;
    QTest::newRow("invalid choice")
        << "[training]\nprecision = \"double\"\n" << 2 << 13 << "training.precision"
        << "\"double\" is not allowed; expected one of \"fp32\", \"bf16\" or \"fp16\"" << true;
    QTest::newRow("required text empty") << "[project]\nname = \"\"\n" << 2 << 8 << "project.name"
                                         << "\"\" is not allowed; expected a non-empty text in quotes" << true;

    // Rules across settings (checkProject).
    QTest::newRow("no base model") << "[model]\npath = \"\"\n" << 2 << 8 << "model.path"
                                   << "a base model is needed: a diffusers folder or a .safetensors checkpoint (or "
                                      "set model.init = \"scratch\")"
                                   << true;
    QTest::newRow("no base model, not written") << "[model]\ninit = \"pretrained\"\n" << 0 << 0 << "model.path"
                                                << "a base model is needed: a diffusers folder or a .safetensors "
                                                   "checkpoint (or set model.init = \"scratch\")"
                                                << true;
    QTest::newRow("scratch with auto architecture")
        << "[model]\ninit = \"scratch\"\narchitecture = \"auto\"\n" << 3 << 16 << "model.architecture"
        << "a model made from scratch needs a named architecture: \"sd1\", \"sd2\", \"sd2-v\", \"sdxl\" or \"tiny\""
        << true;
    QTest::newRow("no images") << "[dataset]\npath = \"\"\n" << 2 << 8 << "dataset.path"
                               << "the training images are needed: a folder of images with captions, or .tar shards"
                               << true;
    QTest::newRow("no folder for generated images")
        << "[dataset]\nkind = \"shapes\"\npath = \"\"\n" << 3 << 8 << "dataset.path"
        << "the folder the generated images are written to is needed" << true;
    QTest::newRow("timestep range reversed") << "[training]\ntimestep_min = 500\ntimestep_max = 100\n" << 2 << 16
                                             << "training.timestep_min"
                                             << "the lowest timestep (500) is above the highest (100)" << true;
    QTest::newRow("bucket sides reversed")
        << "[resolution]\nmin_bucket_side = 1024\nmax_bucket_side = 512\n" << 2 << 19 << "resolution.min_bucket_side"
        << "the shortest bucket side (1024) is longer than the longest (512)" << true;
    QTest::newRow("size outside buckets") << "[resolution]\nsize = 2048\n" << 2 << 8 << "resolution.size"
                                          << "the resolution 2048 must lie between the bucket sides 256 and 1024"
                                          << true;
    QTest::newRow("fewer connections than a group")
        << "[swarm]\nmax_group_size = 32\nmax_connections = 16\n" << 3 << 19 << "swarm.max_connections"
        << "16 connections are fewer than the largest group (32): every member of a group connects to this peer"
        << true;
    QTest::newRow("served dataset without a run key")
        << "[dataset]\npath = \"http://10.0.0.5:7080\"\n" << 0 << 0 << "swarm.run_key"
        << "a served dataset (dataset.path http://…) needs the run key its server was started with" << true;
    QTest::newRow("lora without target modules")
        << "[training]\nmethod = \"lora\"\n\n[lora]\ntarget_modules = []\n" << 5 << 18 << "lora.target_modules"
        << "LoRA needs at least one target module (for example \"to_q\")" << true;

    // Warnings.
    QTest::newRow("warmup as long as the run")
        << "[training]\nmax_steps = 100\n\n[lr_schedule]\ntype = \"cosine\"\nwarmup_steps = 100\n" << 6 << 16
        << "lr_schedule.warmup_steps" << "warmup lasts the whole run, so the learning rate never reaches its peak"
        << false;
    QTest::newRow("no prompts") << "[sampling]\nprompts = []\n" << 2 << 11 << "sampling.prompts"
                                << "samples are requested but there are no prompts, so none will be made" << false;
    QTest::newRow("keep tags without shuffling") << "[dataset]\npath = \"images\"\nkeep_tags = 2\n" << 3 << 13
                                                 << "dataset.keep_tags"
                                                 << "has no effect while dataset.shuffle_tags is off" << false;
  }
  void diagnostics() {
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, key);
    QFETCH(QString, message);
    QFETCH(bool, isError);
    const LoadResult result = parse(withBase(text.toStdString()));
    QVERIFY2(result.diagnostics.size() == 1, qPrintable("expected one diagnostic, got" + describe(result.diagnostics)));
    const Diagnostic& d = result.diagnostics.front();
    QCOMPARE(qs(d.message), message);
    QCOMPARE(qs(d.key), key);
    QCOMPARE(d.line, line);
    QCOMPARE(d.column, column);
    QCOMPARE(qs(d.file), QString("p.toml"));
    QCOMPARE(d.isError(), isError);
    QCOMPARE(result.ok(), !isError);
  }

  void sectionGivenAsValue() {
    const LoadResult result = parse("[dataset]\npath = \"images\"\n\n[training]\nseed = 3\n\nmodel = \"sd15\"\n");
    // `model = "sd15"` under [training] is a key of that section; at the top it names a section.
    QCOMPARE(result.diagnostics.size(), std::size_t(2));
    QCOMPARE(qs(result.diagnostics[0].key), QString("training.model"));
    QCOMPARE(result.diagnostics[0].line, 7);

    const LoadResult top = parse("model = \"sd15\"\n\n[dataset]\npath = \"images\"\n");
    QVERIFY2(top.diagnostics.size() == 2, qPrintable(describe(top.diagnostics)));
    QCOMPARE(qs(top.diagnostics[0].key), QString("model"));
    QCOMPARE(qs(top.diagnostics[0].message), QString("expected a section [model] with settings, not a single value"));
    QCOMPARE(top.diagnostics[0].line, 1);
    QCOMPARE(top.diagnostics[0].column, 1);
    // The section was not read, so the base model is missing too (no position: it is not in the file).
    QCOMPARE(qs(top.diagnostics[1].key), QString("model.path"));
    QCOMPARE(top.diagnostics[1].line, 0);
  }

  void syntaxError_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::newRow("missing value") << "[optimizer]\nlearning_rate = \n" << 2 << 17;
    QTest::newRow("unterminated string") << "[project]\nname = \"demo\n" << 2 << 13;
    QTest::newRow("duplicate key") << "[training]\nmax_steps = 1\nmax_steps = 2\n" << 3 << 13;
    QTest::newRow("duplicate section") << "[training]\n[model]\n[training]\n" << 3 << 1;
    QTest::newRow("unclosed header") << "\n\n[training\n" << 3 << 10;
  }
  void syntaxError() {
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, column);
    const LoadResult result = parse(text.toStdString());
    QVERIFY2(result.diagnostics.size() == 1, qPrintable(describe(result.diagnostics)));
    const Diagnostic& d = result.diagnostics.front();
    QVERIFY2(d.message.rfind("not valid TOML: ", 0) == 0, d.message.c_str());
    QVERIFY(d.message.size() > std::string("not valid TOML: ").size());
    QVERIFY(d.key.empty());
    QVERIFY(d.isError());
    QCOMPARE(d.line, line);
    QCOMPARE(d.column, column);
    QVERIFY(!result.ok());
    QVERIFY(result.project == Project());  // nothing is taken from a file that is not TOML
  }

  void allErrorsAtOnce() {
    const std::string text =
        "[project]\n"                  // 1
        "name = \"\"\n"                // 2
        "\n"                           // 3
        "[model]\n"                    // 4
        "archtecture = \"sd1\"\n"      // 5
        "\n"                           // 6
        "[training]\n"                 // 7
        "max_steps = 0\n"              // 8
        "learning_rate = 1e-4\n"       // 9
        "precision = \"bf61\"\n"       // 10
        "timestep_min = 900\n"         // 11
        "timestep_max = 100\n"         // 12
        "\n"                           // 13
        "[optimiser]\n"                // 14
        "beta1 = 0.9\n"                // 15
        "\n"                           // 16
        "[resolution]\n"               // 17
        "size = 500\n"                 // 18
        "\n"                           // 19
        "[dataset]\n"                  // 20
        "path = \"images\"\n"          // 21
        "workers = \"many\"\n";        // 22
    const std::vector<ExpectedDiagnostic> expected = {
        {2, 8, "project.name", "\"\" is not allowed; expected a non-empty text in quotes"},
        {5, 1, "model.archtecture", "unknown setting (did you mean \"architecture\"?)"},
        {8, 13, "training.max_steps", "0 is not allowed; expected an integer, at least 1 and at most 1000000000"},
        {9, 1, "training.learning_rate", "unknown setting here (did you mean optimizer.learning_rate?)"},
        {10, 13, "training.precision",
         "\"bf61\" is not allowed; expected one of \"fp32\", \"bf16\" or \"fp16\" (did you mean \"bf16\"?)"},
        {11, 16, "training.timestep_min", "the lowest timestep (900) is above the highest (100)"},
        {14, 2, "optimiser", "unknown section [optimiser] (did you mean [optimizer]?)"},
        {18, 8, "resolution.size", "500 is not allowed; expected a multiple of 64, at least 64 and at most 4096"},
        {22, 11, "dataset.workers", "\"many\" is not allowed; expected an integer, at least 0 and at most 64"},
        // Not in the file, so no position: after those that have one.
        {0, 0, "model.path",
         "a base model is needed: a diffusers folder or a .safetensors checkpoint (or set model.init = \"scratch\")"},
    };
    const LoadResult result = parse(text);
    QVERIFY2(result.diagnostics.size() == expected.size(), qPrintable(describe(result.diagnostics)));
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const Diagnostic& d = result.diagnostics[i];
      QCOMPARE(qs(d.key), QString(expected[i].key));
      QCOMPARE(qs(d.message), QString(expected[i].message));
      QCOMPARE(d.line, expected[i].line);
      QCOMPARE(d.column, expected[i].column);
      QVERIFY(d.isError());
    }
    QVERIFY(!result.ok());
    // What could be read was read.
    QCOMPARE(result.project.getInt("training.timestep_min"), std::int64_t(900));
    QCOMPARE(qs(result.project.getString("dataset.path")), QString("images"));
    QCOMPARE(result.project.getInt("dataset.workers"), std::int64_t(0));  // wrong type: default kept
  }

  void warningsAreNotErrors() {
    const LoadResult result = parse(withBase(
        "[training]\nmax_steps = 100\n\n[lr_schedule]\ntype = \"linear\"\nwarmup_steps = 200\n\n"
        "[sampling]\nprompts = []\n"));
    QCOMPARE(result.diagnostics.size(), std::size_t(2));
    for (const Diagnostic& d : result.diagnostics) QVERIFY2(!d.isError(), d.format().c_str());
    QVERIFY(result.ok());
    QVERIFY(!hasErrors(result.diagnostics));
    QVERIFY(result.diagnostics[0].line < result.diagnostics[1].line);

    // The same warnings next to an error: the file is not ok.
    const LoadResult bad =
        parse(withBase("[lr_schedule]\ntype = \"linear\"\nwarmup_steps = 5000\n[training]\nbatch_size = 0\n"));
    QCOMPARE(bad.diagnostics.size(), std::size_t(2));
    QVERIFY(!bad.ok());
  }

  void checkProjectWithoutPositions() {
    Project p;
    p.set("model.path", std::string("m"));
    p.set("dataset.path", std::string("d"));
    QVERIFY(checkProject(p).empty());
    p.set("training.timestep_min", std::int64_t(999));
    p.set("training.timestep_max", std::int64_t(0));
    p.set("optimizer.learning_rate", 2.0);
    const std::vector<Diagnostic> found = checkProject(p, "x.toml");
    QCOMPARE(found.size(), std::size_t(2));
    // Without positions: each value's own range first, then the rules across settings.
    QCOMPARE(qs(found[0].key), QString("optimizer.learning_rate"));
    QCOMPARE(qs(found[1].key), QString("training.timestep_min"));
    QCOMPARE(qs(found[0].format()),
             QString("x.toml: error: optimizer.learning_rate: 2.0 is not allowed; expected a number, greater than 0 "
                     "and at most 1"));
    // With positions they come in file order.
    const std::vector<Diagnostic> placed =
        checkProject(p, "x.toml", {{"training.timestep_min", {3, 16}}, {"optimizer.learning_rate", {9, 17}}});
    QCOMPARE(qs(placed[0].key), QString("training.timestep_min"));
    QCOMPARE(placed[0].line, 3);
    QCOMPARE(placed[0].column, 16);
    QCOMPARE(qs(placed[1].key), QString("optimizer.learning_rate"));
    QCOMPARE(placed[1].line, 9);
  }

  void unreadablePath() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath("missing/project.toml").toStdString();
    const std::string folder = dir.path().toStdString();
    for (const std::string& path : {missing, folder}) {
      LoadResult result;
      try {
        result = loadProject(path);
      } catch (...) {
        QFAIL("loadProject must not throw");
      }
      QVERIFY2(result.diagnostics.size() == 1, qPrintable(describe(result.diagnostics)));
      const Diagnostic& d = result.diagnostics.front();
      QCOMPARE(qs(d.file), qs(path));
      QVERIFY2(d.message.find("'" + path + "'") != std::string::npos, d.message.c_str());
      QVERIFY(d.isError());
      QCOMPARE(d.line, 0);
      QVERIFY(!result.ok());
    }
    const LoadResult m = loadProject(missing);
    QVERIFY2(m.diagnostics[0].message.find("No such file or directory") != std::string::npos,
             m.diagnostics[0].message.c_str());
    const LoadResult f = loadProject(folder);
    QVERIFY2(f.diagnostics[0].message.find("folder") != std::string::npos, f.diagnostics[0].message.c_str());
  }

  void loadProjectReadsFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("p.toml").toStdString();
    {
      std::ofstream out(path);
      out << withBase("[optimizer]\nlearning_rate = \"fast\"\n");
    }
    const LoadResult result = loadProject(path);
    QCOMPARE(result.diagnostics.size(), std::size_t(1));
    QCOMPARE(qs(result.diagnostics[0].format()),
             qs(path + ":2:17: error: optimizer.learning_rate: \"fast\" is not allowed; expected a number, greater "
                       "than 0 and at most 1"));
    QCOMPARE(qs(result.project.getString("model.path")), QString("base.safetensors"));
  }

  void diagnosticFormat_data() {
    QTest::addColumn<bool>("isError");
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("formatted");
    QTest::newRow("full") << true << "demo.toml" << 12 << 17 << "optimizer.learning_rate"
                          << "demo.toml:12:17: error: optimizer.learning_rate: message";
    QTest::newRow("warning") << false << "demo.toml" << 3 << 1 << "dataset.keep_tags"
                             << "demo.toml:3:1: warning: dataset.keep_tags: message";
    QTest::newRow("no position") << true << "demo.toml" << 0 << 0 << "model.path"
                                 << "demo.toml: error: model.path: message";
    QTest::newRow("no file") << true << "" << 3 << 5 << "model.path" << "line 3:5: error: model.path: message";
    QTest::newRow("no key") << true << "demo.toml" << 2 << 16 << "" << "demo.toml:2:16: error: message";
    QTest::newRow("nothing") << false << "" << 0 << 0 << "" << "warning: message";
  }
  void diagnosticFormat() {
    QFETCH(bool, isError);
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, key);
    QFETCH(QString, formatted);
    Diagnostic d;
    d.severity = isError ? Diagnostic::Severity::Error : Diagnostic::Severity::Warning;
    d.file = file.toStdString();
    d.line = line;
    d.column = column;
    d.key = key.toStdString();
    d.message = "message";
    QCOMPARE(qs(d.format()), formatted);
  }

  void parsedDiagnosticFormat() {
    const LoadResult result = parseProject(withBase("[optimizer]\nlearning_rate = \"fast\"\n"), "demo.toml");
    QCOMPARE(result.diagnostics.size(), std::size_t(1));
    QCOMPARE(qs(result.diagnostics[0].format()),
             QString("demo.toml:2:17: error: optimizer.learning_rate: \"fast\" is not allowed; expected a number, "
                     "greater than 0 and at most 1"));
  }

  void sortByPositionKeepsUnplacedLast() {
    std::vector<Diagnostic> list(5);
    const int lines[] = {0, 7, 2, 0, 2};
    const int columns[] = {0, 1, 9, 0, 3};
    for (int i = 0; i < 5; ++i) {
      list[std::size_t(i)].line = lines[i];
      list[std::size_t(i)].column = columns[i];
      list[std::size_t(i)].message = std::to_string(i);
    }
    sortByPosition(list);
    QStringList order;
    for (const Diagnostic& d : list) order << qs(d.message);
    QCOMPARE(order, QStringList({"4", "2", "1", "0", "3"}));
  }

  void translatedMessages() {
    sds::i18n::setTranslator([](const char* context, const char* source) -> std::string {
      const std::string s = source;
      if (std::string(context) != "Diagnostics") return s;
      if (s == "unknown setting") return "Einstellung unbekannt";
      if (s == " (did you mean \"%1\"?)") return " (meinten Sie \"%1\"?)";
      if (s == "error: ") return "Fehler: ";
      return s;
    });
    const LoadResult result = parseProject(withBase("[optimizer]\nlearnig_rate = 1\n"), "p.toml");
    QCOMPARE(result.diagnostics.size(), std::size_t(1));
    QCOMPARE(qs(result.diagnostics[0].format()),
             QString("p.toml:2:1: Fehler: optimizer.learnig_rate: Einstellung unbekannt (meinten Sie "
                     "\"learning_rate\"?)"));
  }

  // --- saving ---

  void saveProjectAtomically() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("project.toml").toStdString();
    Project p = unusualProject();
    const mode_t old = ::umask(022);
    saveProject(p, path);
    ::umask(old);
    QCOMPARE(qs(readAll(path)), qs(writeProject(p)));
    QCOMPARE(entries(dir.path()), QStringList({"project.toml"}));  // no temporary file left behind
    // Readable like any other file, not just by its owner.
    QVERIFY(QFileInfo(dir.filePath("project.toml")).permissions() & QFileDevice::ReadOther);
    QVERIFY(loadProject(path).project == p);

    // Saving again replaces the file.
    Project q;
    q.set("project.name", std::string("second"));
    saveProject(q, path);
    QCOMPARE(qs(readAll(path)), qs(writeProject(q)));
    QCOMPARE(entries(dir.path()), QStringList({"project.toml"}));
    QVERIFY(loadProject(path).project == q);
  }

  void saveProjectFails_data() {
    QTest::addColumn<QString>("target");  // relative to a temporary folder
    QTest::newRow("missing folder") << "missing/project.toml";
    QTest::newRow("target is a folder") << "folder";
  }
  void saveProjectFails() {
    QFETCH(QString, target);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkpath("folder/inside"));
    const QStringList before = entries(dir.path());
    const std::string path = dir.filePath(target).toStdString();
    bool threw = false;
    try {
      saveProject(Project(), path);
    } catch (const std::runtime_error& e) {
      threw = true;
      QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
    }
    QVERIFY(threw);
    QCOMPARE(entries(dir.path()), before);  // nothing left behind
    QCOMPARE(entries(dir.filePath("folder")), QStringList({"inside"}));
  }

  // --- reference documentation ---

  void markdownMentionsEveryKey() {
    const std::string doc = markdownReference();
    for (const Section& section : Schema::project().sections()) {
      const std::string heading = "\n## [" + section.name + "] — " + section.title + "\n";
      const std::size_t start = doc.find(heading);
      QVERIFY2(start != std::string::npos, heading.c_str());
      const std::size_t end = doc.find("\n## [", start + 1);
      const std::string body = doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
      for (const Setting& s : section.settings) {
        const std::string row = "\n| `" + s.name + "` | " + std::string(typeName(s.type)) + " | `";
        QVERIFY2(body.find(row) != std::string::npos, s.key().c_str());
        QVERIFY2(body.find(s.help) != std::string::npos, s.key().c_str());
      }
    }
    // Table cells never break the table: '|' in allowed values or defaults is escaped.
    QVERIFY(doc.find("\n| `prompts` | list of text | `[\"a photo of a cat\"]` |") != std::string::npos);
    QVERIFY(doc.find("at most 100 |") != std::string::npos);
    QVERIFY(doc.find("e+0") == std::string::npos);
  }

  void docsAreInStep() {
    const std::string path = std::string(SDS_SOURCE_DIR) + "/docs/configuration.md";
    std::ifstream in(path, std::ios::binary);
    QVERIFY2(in.good(), ("missing " + path + "; run `sdtrain config docs --out docs/configuration.md`").c_str());
    std::ostringstream buffer;
    buffer << in.rdbuf();
    QVERIFY2(buffer.str() == markdownReference(),
             "docs/configuration.md is out of date; run `sdtrain config docs --out docs/configuration.md`");
  }
};

QTEST_APPLESS_MAIN(TestConfig)
#include "test_config.moc"
