// The studio window, offscreen: navigation, the schema-generated Project page, inline validation,
// saving and loading projects, unsaved-changes state, translations and the About box.

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>

#include "about_dialog.h"
#include "config/project.h"
#include "main_window.h"
#include "project_document.h"
#include "project_page.h"
#include "recent_files.h"
#include "setting_editor.h"
#include "test_files.h"
#include "translation.h"

using namespace sds;
using sds::widgets::MainWindow;
using sds::widgets::SettingEditor;

namespace {

// Answers every modal dialog that opens while `action` runs with `button` (the dialog's text is
// collected, so tests can check what the user was told).
QStringList answerDialogs(const std::function<void()>& action, QMessageBox::StandardButton button = QMessageBox::Ok) {
  QStringList seen;
  QTimer timer;
  timer.setInterval(20);
  QObject::connect(&timer, &QTimer::timeout, [&] {
    QWidget* modal = QApplication::activeModalWidget();
    if (!modal) return;
    if (auto* box = qobject_cast<QMessageBox*>(modal)) {
      seen << box->text() + "\n" + box->detailedText();
      if (QAbstractButton* b = box->button(button)) {
        b->click();
        return;
      }
    }
    if (auto* dialog = qobject_cast<QDialog*>(modal)) dialog->reject();
  });
  timer.start();
  action();
  return seen;
}

// Types `text` into a widget the way a user does, key by key (QTest::keyClicks takes Latin-1 only).
void typeText(QWidget* widget, const QString& text) {
  for (const QChar c : text) QTest::sendKeyEvent(QTest::Click, widget, Qt::Key_unknown, QString(c), Qt::NoModifier);
}

// Replaces the text of a line edit as a user does: select all, erase, type.
void typeInto(QLineEdit* edit, const QString& text) {
  edit->selectAll();
  QTest::keyClick(edit, Qt::Key_Backspace);
  typeText(edit, text);
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("SDStudioTest");
    QCoreApplication::setApplicationName("sdstudio-test");
    QSettings().clear();
    qputenv("SDS_SDTRAIN", SDS_SDTRAIN);
  }

  void opensWithAllPages() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.navigation()->count(), int(MainWindow::PageCount));
    QCOMPARE(window.pages()->count(), int(MainWindow::PageCount));
    const QStringList expected{"Project", "Dataset", "Training", "Samples", "Swarm"};
    for (int i = 0; i < expected.size(); ++i) QCOMPARE(window.navigation()->item(i)->text(), expected[i]);
    window.navigation()->setCurrentRow(MainWindow::SwarmPageIndex);
    QCOMPARE(window.pages()->currentIndex(), int(MainWindow::SwarmPageIndex));
    QVERIFY(window.windowTitle().contains("Untitled"));
    QVERIFY(!window.isWindowModified());
  }

  void projectPageHasAnEditorForEverySetting() {
    MainWindow window;
    QStringList schemaKeys;
    for (const std::string& key : config::Schema::project().keys()) schemaKeys << QString::fromStdString(key);
    QStringList pageKeys = window.projectPage()->keys();
    schemaKeys.sort();
    pageKeys.sort();
    QCOMPARE(pageKeys, schemaKeys);
    // Editors are generated from each setting's type and carry its help as tooltip.
    auto* rate = window.projectPage()->editor("optimizer.learning_rate");
    QVERIFY(qobject_cast<QLineEdit*>(rate->input()));
    QVERIFY(rate->input()->toolTip().contains("learning rate"));
    QVERIFY(qobject_cast<QCheckBox*>(window.projectPage()->editor("training.gradient_checkpointing")->input()));
    auto* precision = qobject_cast<QComboBox*>(window.projectPage()->editor("training.precision")->input());
    QVERIFY(precision);
    QCOMPARE(precision->count(), 3);
    QVERIFY(qobject_cast<QPlainTextEdit*>(window.projectPage()->editor("sampling.prompts")->input()));
  }

  void inlineValidationMessages() {
    MainWindow window;
    window.show();
    auto* page = window.projectPage();
    auto* rateEditor = page->editor("optimizer.learning_rate");
    auto* rate = qobject_cast<QLineEdit*>(rateEditor->input());
    const int errorsBefore = page->errorCount();

    typeInto(rate, "fast");
    QCOMPARE(rateEditor->severity(), SettingEditor::Severity::Error);
    QVERIFY2(rateEditor->message().contains("number"), qPrintable(rateEditor->message()));
    QCOMPARE(page->errorCount(), errorsBefore + 1);
    QCOMPARE(page->unreadableSettings(), QStringList{"optimizer.learning_rate"});

    typeInto(rate, "2");
    QVERIFY2(rateEditor->message().contains("at most 1"), qPrintable(rateEditor->message()));

    typeInto(rate, "1e-4");
    QCOMPARE(rateEditor->severity(), SettingEditor::Severity::None);
    QCOMPARE(page->errorCount(), errorsBefore);
    QCOMPARE(page->project().getFloat("optimizer.learning_rate"), 1e-4);

    // A rule between settings: a model from scratch needs a named architecture.
    auto* init = qobject_cast<QComboBox*>(page->editor("model.init")->input());
    init->setCurrentText("scratch");
    QVERIFY(page->editor("model.architecture")->message().contains("architecture"));
    QVERIFY(page->editor("model.path")->message().isEmpty());
  }

  void editedProjectSavesAndLoadsBackIdentically() {
    QTemporaryDir dir;
    const QString path = dir.filePath("edited.toml");
    MainWindow window;
    window.show();
    auto* page = window.projectPage();

    // Change every setting through its editor, to a valid value other than its default.
    for (const QString& key : page->keys()) {
      SettingEditor* editor = page->editor(key);
      const config::Setting& s = editor->setting();
      QWidget* input = editor->input();
      switch (s.type) {
        case config::ValueType::Bool: qobject_cast<QCheckBox*>(input)->click(); break;
        case config::ValueType::Choice: {
          auto* combo = qobject_cast<QComboBox*>(input);
          combo->setCurrentIndex((combo->currentIndex() + 1) % combo->count());
          break;
        }
        case config::ValueType::StringList: {
          auto* list = qobject_cast<QPlainTextEdit*>(input);
          list->selectAll();
          typeText(list, "first item ä");
          QTest::keyClick(list, Qt::Key_Return);
          typeText(list, "second \"quoted\" item");
          break;
        }
        case config::ValueType::Integer: {
          const auto def = std::get<std::int64_t>(s.defaultValue);
          const std::int64_t step = s.multipleOf > 1 ? s.multipleOf : 1;
          const std::int64_t value = (s.maximum && def + step > *s.maximum) ? def - step : def + step;
          typeInto(qobject_cast<QLineEdit*>(input), QString::number(value));
          break;
        }
        case config::ValueType::Float: {
          const double def = std::get<double>(s.defaultValue);
          const double value = (s.maximum && def >= *s.maximum * 0.5) ? def * 0.5 + 0.0001 : def * 0.5 + 0.25;
          typeInto(qobject_cast<QLineEdit*>(input), QString::number(value, 'g', 17));
          break;
        }
        case config::ValueType::String:
        case config::ValueType::Path:
          typeInto(qobject_cast<QLineEdit*>(input), "edited " + key + " ü \\ \"q\"");
          break;
      }
    }
    const config::Project edited = page->project();
    for (const config::Setting* s : config::Schema::project().settings())
      QVERIFY2(edited.get(s->key()) != s->defaultValue, s->key().c_str());
    QVERIFY(window.document()->isModified());
    QVERIFY(window.isWindowModified());

    // Saving a project with problems asks first; answer Save.
    const QStringList told = answerDialogs([&] { QVERIFY(window.saveTo(path)); }, QMessageBox::Save);
    QVERIFY(!window.document()->isModified());
    QVERIFY(!window.isWindowModified());
    QVERIFY(window.windowTitle().contains("edited.toml"));
    QVERIFY(sds::widgets::RecentFiles().list().contains(QFileInfo(path).absoluteFilePath()));

    // Loaded back in a new window, every value is identical.
    MainWindow second;
    answerDialogs([&] { QVERIFY(second.openProject(path)); });
    QVERIFY(second.projectPage()->project() == edited);
    QVERIFY(second.document()->project() == edited);
    QVERIFY(!second.document()->isModified());
    // And the file itself reads back the same through core.
    QVERIFY(config::loadProject(path.toStdString()).project == edited);
  }

  void openingAFileWithProblemsMarksThem() {
    QTemporaryDir dir;
    const QString path = dir.filePath("broken.toml");
    writeFile(path, "[training]\nbatch_size = \"eight\"\nlearning_rate = 1e-4\n[model]\npath = \"base\"\n");
    MainWindow window;
    bool opened = false;
    const QStringList told = answerDialogs([&] { opened = window.openProject(path); });
    QVERIFY(opened);
    QCOMPARE(told.size(), 1);
    QVERIFY2(told.first().contains("broken.toml:2:14"), qPrintable(told.first()));
    QVERIFY2(told.first().contains("optimizer.learning_rate"), qPrintable(told.first()));
    auto* batch = window.projectPage()->editor("training.batch_size");
    QVERIFY2(batch->message().contains("eight") && batch->message().contains("integer"), qPrintable(batch->message()));
    QCOMPARE(window.projectPage()->project().getString("model.path"), std::string("base"));
  }

  void unreadableFileLeavesTheProjectAsItWas() {
    QTemporaryDir dir;
    const QString path = dir.filePath("not-toml.toml");
    writeFile(path, "[training\nbatch_size = 2\n");
    MainWindow window;
    auto* name = qobject_cast<QLineEdit*>(window.projectPage()->editor("project.name")->input());
    typeInto(name, "keep me");
    bool opened = true;
    const QStringList told = answerDialogs([&] { opened = window.openProject(path); });
    QVERIFY(!opened);
    QCOMPARE(told.size(), 1);
    QVERIFY2(told.first().contains("not valid TOML"), qPrintable(told.first()));
    QCOMPARE(window.projectPage()->project().getString("project.name"), std::string("keep me"));
    QVERIFY(window.document()->isModified());
  }

  void demoProjectOpensAndIsValid() {
    MainWindow window;
    QVERIFY(answerDialogs([&] { QVERIFY(window.openDemoProject()); }).isEmpty());
    QCOMPARE(window.projectPage()->errorCount(), 0);
    QCOMPARE(window.projectPage()->project().getString("model.init"), std::string("scratch"));
    QVERIFY(window.windowTitle().contains("demo.toml"));
  }

  void closingWithUnsavedChangesAsks() {
    MainWindow window;
    window.show();
    typeInto(qobject_cast<QLineEdit*>(window.projectPage()->editor("project.name")->input()), "changed");
    QVERIFY(window.document()->isModified());
    // Cancel keeps the window open.
    QStringList told = answerDialogs([&] { QVERIFY(!window.close()); }, QMessageBox::Cancel);
    QCOMPARE(told.size(), 1);
    QVERIFY(told.first().contains("unsaved changes"));
    QVERIFY(window.isVisible());
    // Discard closes it.
    told = answerDialogs([&] { QVERIFY(window.close()); }, QMessageBox::Discard);
    QCOMPARE(told.size(), 1);
  }

  void aboutShowsLibraryVersions() {
    sds::widgets::AboutDialog about;
    QStringList names;
    for (int row = 0; row < about.table()->rowCount(); ++row) names << about.table()->item(row, 0)->text();
    QVERIFY2(names.contains("LibTorch"), qPrintable(names.join(", ")));
    QVERIFY(names.contains("Qt (running)"));
  }

  void germanTranslationIsUsed() {
    QCOMPARE(sds::widgets::installTranslations("de"), QString("de_DE"));
    {
      MainWindow window;
      QCOMPARE(window.navigation()->item(MainWindow::ProjectPageIndex)->text(), QString("Projekt"));
      auto* rate = window.projectPage()->editor("optimizer.learning_rate");
      QVERIFY(!rate->input()->toolTip().contains("learning rate"));
      // Core's validation messages are translated too.
      typeInto(qobject_cast<QLineEdit*>(rate->input()), "2");
      QVERIFY2(rate->message().contains("höchstens 1"), qPrintable(rate->message()));
    }
    for (QTranslator* t : qApp->findChildren<QTranslator*>()) QCoreApplication::removeTranslator(t);
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
