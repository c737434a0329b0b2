// Saving into a hand-written project file: changed values are edited in place, the person's comments,
// blank lines, order, spacing and unknown keys stay byte for byte, new settings join their section,
// and files whose layout cannot be edited so are refused with a reason (the studio then asks before
// rewriting them).

#include <QtTest>

#include "qt_strings.h"

#include <string>

#include "config/project.h"
#include "config/project_editor.h"

using namespace sds::config;

namespace {

const std::string kHandWritten =
    "# My SDXL run — notes for later.\n"
    "#   lr 1e-5 was too slow on the last try\n"
    "\n"
    "[model]\n"
    "path   = \"/models/sdxl base\"   # the local copy\n"
    "\n"
    "[optimizer]\n"
    "learning_rate = 0.00001  # 1e-5\n"
    "type = 'adamw'\n"
    "\n"
    "[sampling]\n"
    "prompts = [\n"
    "  \"a castle\",   # first\n"
    "  \"ein Schloß am Meer\",\n"
    "]\n"
    "\n"
    "[dataset]\n"
    "path = \"images\"\n"
    "my_own_note = \"kept, though unknown\"\n";

Project read(const std::string& text) { return parseProject(text, "p.toml").project; }

}  // namespace

class TestProjectEditor : public QObject {
  Q_OBJECT

 private slots:
  void unchangedProjectLeavesTheTextAlone() {
    const Project project = read(kHandWritten);
    const EditedProjectText edited = editProjectText(kHandWritten, project);
    QVERIFY2(edited.text, edited.reason.c_str());
    QCOMPARE(qs(*edited.text), qs(kHandWritten));
  }

  void changedValuesAreEditedInPlace() {
    Project project = read(kHandWritten);
    project.set("optimizer.learning_rate", 2e-5);
    project.set("model.path", std::string("/models/ä \"new\""));
    project.set("sampling.prompts", StringList{"a tower"});
    project.set("optimizer.type", std::string("adamw8bit"));
    const EditedProjectText edited = editProjectText(kHandWritten, project);
    QVERIFY2(edited.text, edited.reason.c_str());
    const std::string expected =
        "# My SDXL run — notes for later.\n"
        "#   lr 1e-5 was too slow on the last try\n"
        "\n"
        "[model]\n"
        "path   = \"/models/ä \\\"new\\\"\"   # the local copy\n"
        "\n"
        "[optimizer]\n"
        "learning_rate = 2e-05  # 1e-5\n"
        "type = \"adamw8bit\"\n"
        "\n"
        "[sampling]\n"
        "prompts = [\"a tower\"]\n"
        "\n"
        "[dataset]\n"
        "path = \"images\"\n"
        "my_own_note = \"kept, though unknown\"\n";
    QCOMPARE(qs(*edited.text), qs(expected));
    QVERIFY(read(*edited.text) == project);
  }

  void newSettingsJoinTheirSection() {
    Project project = read(kHandWritten);
    project.set("optimizer.weight_decay", 0.05);             // section present, key absent
    project.set("training.batch_size", std::int64_t(4));     // section absent
    project.set("dataset.caption_extension", std::string(".caption"));
    const EditedProjectText edited = editProjectText(kHandWritten, project);
    QVERIFY2(edited.text, edited.reason.c_str());
    const std::string& text = *edited.text;
    QVERIFY(read(text) == project);
    // Each under its own header, after the section's last line; comments untouched.
    QVERIFY2(text.find("type = 'adamw'\nweight_decay = 0.05\n\n[sampling]") != std::string::npos, text.c_str());
    QVERIFY2(text.find("my_own_note = \"kept, though unknown\"\ncaption_extension = \".caption\"\n") !=
                 std::string::npos,
             text.c_str());
    QVERIFY2(text.find("\n[training]\nbatch_size = 4\n") != std::string::npos, text.c_str());
    QVERIFY(text.find("#   lr 1e-5 was too slow on the last try\n") != std::string::npos);
    // A setting set back to its default that the file does not mention is not added.
    Project defaults = read(kHandWritten);
    QVERIFY(editProjectText(kHandWritten, defaults).text == kHandWritten);
  }

  void fileWithoutFinalNewline() {
    const std::string text = "[model]\npath = \"base\"";
    Project project = read(text);
    project.set("model.vae", std::string("vae.safetensors"));
    const EditedProjectText edited = editProjectText(text, project);
    QVERIFY2(edited.text, edited.reason.c_str());
    QCOMPARE(qs(*edited.text), QString("[model]\npath = \"base\"\nvae = \"vae.safetensors\"\n"));
  }

  void unreadableValueIsReplaced() {
    // The studio shows the default for a value of the wrong type; saving writes what it shows.
    const std::string text = "[training]\nbatch_size = \"eight\" # oops\n";
    Project project = read(text);
    project.set("training.batch_size", std::int64_t(8));
    const EditedProjectText edited = editProjectText(text, project);
    QVERIFY2(edited.text, edited.reason.c_str());
    QCOMPARE(qs(*edited.text), QString("[training]\nbatch_size = 8 # oops\n"));
  }

  void layoutsThatCannotBeEdited_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    QTest::newRow("inline table") << "model = { path = \"base\" }\n" << "inline table";
    QTest::newRow("dotted keys") << "model.path = \"base\"\n" << "dotted keys";
    QTest::newRow("not TOML") << "[model\npath = 1\n" << "not valid TOML";
    QTest::newRow("section as value") << "model = 3\n" << "single value";
  }

  void layoutsThatCannotBeEdited() {
    QFETCH(QString, text);
    QFETCH(QString, reason);
    Project project;
    project.set("training.batch_size", std::int64_t(2));
    const EditedProjectText edited = editProjectText(text.toStdString(), project);
    QVERIFY(!edited.text);
    QVERIFY2(qs(edited.reason).contains(reason), edited.reason.c_str());
  }
};

QTEST_APPLESS_MAIN(TestProjectEditor)
#include "test_project_editor.moc"
