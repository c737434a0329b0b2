// The studio window, offscreen: navigation, the schema-generated Project page, inline validation,
// saving and loading projects, unsaved-changes state, translations and the About box.

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QImage>
#include <QPushButton>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMultiMap>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>
#include <cmath>

#include "about_dialog.h"
#include "config/project.h"
#include "dataset_page.h"
#include "fixtures.h"
#include "getting_started.h"
#include "gpu_picker.h"
#include "main_window.h"
#include "project_document.h"
#include "project_page.h"
#include "recent_files.h"
#include "samples_page.h"
#include "setting_editor.h"
#include "theme.h"
#include "test_files.h"
#include "training_page.h"
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

// The Alt+letter mnemonics a user can reach on the visible part of `window`: the menu bar's and those
// of visible buttons and labels, lower-cased, with where each comes from.
QMultiMap<QChar, QString> visibleMnemonics(MainWindow& window) {
  QMultiMap<QChar, QString> found;
  auto add = [&found](const QString& text) {
    for (int i = 0; i + 1 < text.size(); ++i) {
      if (text[i] != '&') continue;
      if (text[i + 1] == '&') {
        ++i;
        continue;
      }
      found.insert(text[i + 1].toLower(), text);
    }
  };
  for (QAction* menu : window.menuBar()->actions()) add(menu->text());
  for (QAbstractButton* b : window.findChildren<QAbstractButton*>())
    if (b->isVisible()) add(b->text());
  for (QLabel* l : window.findChildren<QLabel*>())
    if (l->isVisible() && l->buddy()) add(l->text());
  return found;
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
    QCOMPARE(init->currentText(), QString("From the base model"));  // a label, not the TOML value
    init->setCurrentIndex(init->findData("scratch"));
    QCOMPARE(page->project().getString("model.init"), std::string("scratch"));
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

  // Saving a hand-written file edits its values in place: the person's comments stay. A layout that
  // cannot be edited so is named, and the file is rewritten only when the user agrees.
  void savingKeepsCommentsOrAsks() {
    QTemporaryDir dir;
    const QString path = dir.filePath("mine.toml");
    const QByteArray handWritten =
        "# notes: try a lower rate next time\n[model]\npath = \"base\"  # my copy\n\n[dataset]\npath = \"images\"\n";
    writeFile(path, handWritten);
    MainWindow window;
    answerDialogs([&] { QVERIFY(window.openProject(path)); });
    typeInto(qobject_cast<QLineEdit*>(window.projectPage()->editor("optimizer.learning_rate")->input()), "2e-05");
    QVERIFY(window.document()->isModified());
    QStringList told = answerDialogs([&] { QVERIFY(window.save()); }, QMessageBox::Save);
    QVERIFY2(told.isEmpty(), qPrintable(told.join("; ")));
    QCOMPARE(readFile(path), handWritten + "\n[optimizer]\nlearning_rate = 2e-05\n");

    const QString inlinePath = dir.filePath("inline.toml");
    writeFile(inlinePath, "model = { path = \"base\" }  # kept?\n[dataset]\npath = \"images\"\n");
    MainWindow second;
    answerDialogs([&] { QVERIFY(second.openProject(inlinePath)); });
    typeInto(qobject_cast<QLineEdit*>(second.projectPage()->editor("optimizer.learning_rate")->input()), "2e-05");
    told = answerDialogs([&] { QVERIFY(!second.save()); }, QMessageBox::Cancel);
    QCOMPARE(told.size(), 1);
    QVERIFY2(told.first().contains("inline.toml") && told.first().contains("[model]"), qPrintable(told.first()));
    QVERIFY(readFile(inlinePath).contains("# kept?"));  // refused: the file is untouched
    told = answerDialogs([&] { QVERIFY(second.save()); }, QMessageBox::Save);
    QCOMPARE(told.size(), 1);
    QVERIFY(config::loadProject(inlinePath.toStdString()).project.getFloat("optimizer.learning_rate") == 2e-5);
    answerDialogs([&] { second.close(); }, QMessageBox::Discard);
    answerDialogs([&] { window.close(); }, QMessageBox::Discard);
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

  // What `sdstudio PATH` opens (also a file or folder dropped on the program's icon): a project file,
  // or a folder of images that becomes the dataset of a new project; anything else is refused.
  void openingAPathAsTheCommandLineDoes() {
    QTemporaryDir dir;
    const QString project = dir.filePath("run.toml");
    writeFile(project, "[project]\nname = \"from-the-command-line\"\n[model]\npath = \"base\"\n[dataset]\npath = \"images\"\n");
    const QString images = dir.filePath("images");
    QVERIFY(QDir().mkpath(images));
    QImage picture(512, 512, QImage::Format_RGB888);
    picture.fill(Qt::green);
    QVERIFY(picture.save(images + "/a.png"));
    writeFile(images + "/a.txt", "a green picture");

    MainWindow window;
    QVERIFY(answerDialogs([&] { QVERIFY(window.openPath(project)); }).isEmpty());
    QCOMPARE(window.projectPage()->project().getString("project.name"), std::string("from-the-command-line"));
    QVERIFY(window.windowTitle().contains("run.toml"));
    QCOMPARE(window.navigation()->currentRow(), int(MainWindow::ProjectPageIndex));

    QVERIFY(answerDialogs([&] { QVERIFY(window.openPath(images)); }).isEmpty());
    QVERIFY(window.document()->path().isEmpty());
    QCOMPARE(window.document()->project().getString("dataset.path"), QFileInfo(images).absoluteFilePath().toStdString());
    QCOMPARE(window.document()->project().getString("dataset.kind"), std::string("auto"));
    QCOMPARE(window.document()->project().getString("project.name"), std::string("my-model"));
    QCOMPARE(window.navigation()->currentRow(), int(MainWindow::DatasetPageIndex));
    QTRY_COMPARE_WITH_TIMEOUT(window.datasetPage()->sampleCount(), 1, 10000);

    bool opened = true;
    const QStringList told = answerDialogs([&] { opened = window.openPath(dir.filePath("missing.toml")); });
    QVERIFY(!opened);
    QCOMPARE(told.size(), 1);
    QCOMPARE(window.document()->project().getString("dataset.path"), QFileInfo(images).absoluteFilePath().toStdString());
  }

  // A first start explains itself: without a GPU the steps say that training runs on the CPU and that
  // the demo still works (with one they say nothing of it), and the Start step says where the run is
  // written.
  void gettingStartedNamesTheCpuAndTheRunFolder() {
    QSettings().remove("gettingStarted/hidden");
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    sds::widgets::GettingStartedPanel* steps = window.projectPage()->gettingStarted();
    sds::widgets::GpuPicker* gpus = window.trainingPage()->gpuPicker();
    // sdtrain's own answer for this machine first.
    QTRY_VERIFY_WITH_TIMEOUT(gpus->listedCount() >= 0, 20000);
    QCOMPARE(steps->cpuNote()->isVisibleTo(steps), gpus->listedCount() == 0);
    gpus->setGpus({});
    QVERIFY(steps->cpuNote()->isVisibleTo(steps));
    QVERIFY(steps->cpuNote()->text().contains("No GPU"));
    QVERIFY(steps->cpuNote()->text().contains("CPU"));
    QVERIFY(steps->cpuNote()->text().contains("demo"));
    gpus->setGpus({{0, "NVIDIA H200", 139.8}});
    QVERIFY(!steps->cpuNote()->isVisibleTo(steps));

    const auto start = sds::widgets::GettingStartedPanel::StartStep;
    QVERIFY2(steps->detail(start).contains("output folder beside the project file"), qPrintable(steps->detail(start)));
    QTemporaryDir dir;
    const QString project = dir.filePath("run.toml");
    writeFile(project, "[model]\npath = \"base\"\n[dataset]\npath = \"images\"\n[output]\ndirectory = \"runs/first\"\n");
    QVERIFY(answerDialogs([&] { QVERIFY(window.openPath(project)); }).isEmpty());
    QVERIFY2(steps->detail(start).contains(QDir::toNativeSeparators(dir.filePath("runs/first"))),
             qPrintable(steps->detail(start)));
    QVERIFY(!steps->isDone(start));
  }

  void demoProjectOpensAndIsValid() {
    MainWindow window;
    QVERIFY(answerDialogs([&] { QVERIFY(window.openDemoProject()); }).isEmpty());
    QCOMPARE(window.projectPage()->errorCount(), 0);
    QCOMPARE(window.projectPage()->project().getString("model.init"), std::string("scratch"));
    QVERIFY(window.windowTitle().contains("demo.toml"));
    // Its samples open as the grid of prompts × steps, under a paragraph on what the demo learns.
    QCOMPARE(window.samplesPage()->view(), sds::widgets::SamplesPage::View::Grid);
    bool told = false;
    for (const QLabel* label : window.samplesPage()->findChildren<QLabel*>())
      told = told || (label->text().contains("What the demo learns") && !label->isHidden());
    QVERIFY(told);
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

  // The way in: the three steps are marked as they are done, Start is offered once model and images
  // are chosen, a preset sets its training settings and keeps the model and the images, and the
  // steps can be hidden and shown again.
  void gettingStartedSteps() {
    QSettings().remove("gettingStarted/hidden");
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    sds::widgets::GettingStartedPanel* steps = window.projectPage()->gettingStarted();
    QVERIFY(steps->isVisible());
    QVERIFY(!steps->isDone(sds::widgets::GettingStartedPanel::ModelStep));
    QVERIFY(!steps->isDone(sds::widgets::GettingStartedPanel::ImagesStep));
    QVERIFY(!steps->startButton()->isEnabled());

    // Images: a folder with two captioned pictures.
    const QString images = dir.filePath("images");
    QVERIFY(QDir().mkpath(images));
    for (const QString name : {"a", "b"}) {
      QImage picture(512, 512, QImage::Format_RGB888);
      picture.fill(name == "a" ? Qt::red : Qt::blue);
      QVERIFY(picture.save(images + "/" + name + ".png"));
      writeFile(images + "/" + name + ".txt", "a picture");
    }
    config::Project project = window.document()->project();
    project.set("dataset.path", images.toStdString());
    if (haveFixtures()) project.set("model.path", fixture("tiny-sd15").toStdString());
    window.document()->update(project);
    window.projectPage()->setProject(project);
    QTRY_VERIFY_WITH_TIMEOUT(steps->isDone(sds::widgets::GettingStartedPanel::ImagesStep), 10000);
    if (haveFixtures()) {
      QTRY_VERIFY_WITH_TIMEOUT(steps->isDone(sds::widgets::GettingStartedPanel::ModelStep), 20000);
      QVERIFY(steps->startButton()->isEnabled());
    }
    QVERIFY(!steps->isDone(sds::widgets::GettingStartedPanel::StartStep));

    // A preset: its settings, the model and the images untouched.
    steps->presets()->setCurrentIndex(steps->presets()->findData("lora-sdxl-12gb"));
    QVERIFY2(steps->presets()->currentText().contains("SDXL") && steps->presets()->currentText().contains("12"),
             qPrintable(steps->presets()->currentText()));
    QVERIFY(steps->presets()->itemData(steps->presets()->currentIndex(), Qt::ToolTipRole).toString().contains("GiB"));
    QPushButton* apply = nullptr;
    for (QPushButton* b : steps->findChildren<QPushButton*>())
      if (b->text().contains("Apply")) apply = b;
    QVERIFY(apply);
    apply->click();
    const config::Project applied = window.document()->project();
    QCOMPARE(applied.getString("training.method"), std::string("lora"));
    QCOMPARE(applied.getInt("training.batch_size"), std::int64_t(4));
    QCOMPARE(applied.getInt("resolution.size"), std::int64_t(1024));
    QCOMPARE(applied.getString("dataset.path"), images.toStdString());
    QCOMPARE(window.projectPage()->project().getInt("lora.rank"), std::int64_t(32));
    QVERIFY(window.document()->isModified());

    // Hidden, and shown again from the View menu.
    for (QPushButton* b : steps->findChildren<QPushButton*>())
      if (b->text() == "Hide") b->click();
    QVERIFY(!steps->isVisible());
    QVERIFY(QSettings().value("gettingStarted/hidden").toBool());
    QAction* show = nullptr;
    for (QAction* a : window.findChildren<QAction*>())
      if (a->text().contains("Getting Started")) show = a;
    QVERIFY(show);
    show->trigger();
    QVERIFY(steps->isVisible());
    answerDialogs([&] { window.close(); }, QMessageBox::Discard);
  }

  // No two things on the Project page (with the getting-started steps) answer the same Alt+letter,
  // in English and in German.
  void projectPageMnemonicsAreUnique() {
    for (const QString language : {"en", "de"}) {
      sds::widgets::installTranslations(language);
      QSettings().remove("gettingStarted/hidden");
      MainWindow window;
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      window.navigation()->setCurrentRow(MainWindow::ProjectPageIndex);
      QVERIFY(window.projectPage()->gettingStarted()->isVisible());
      const QMultiMap<QChar, QString> mnemonics = visibleMnemonics(window);
      QVERIFY(mnemonics.size() > 5);
      for (const QChar key : mnemonics.uniqueKeys())
        QVERIFY2(mnemonics.count(key) == 1,
                 qPrintable(language + ": Alt+" + key + " on " + QStringList(mnemonics.values(key)).join(", ")));
      for (QTranslator* t : qApp->findChildren<QTranslator*>()) QCoreApplication::removeTranslator(t);
    }
  }

  // The section icons are drawn in the palette's text colour: light on the dark theme's sidebar, dark
  // on the light one, and in the highlighted text colour when selected.
  void iconsReadOnBothThemes() {
    const QPalette before = QApplication::palette();
    QStyle* styleBefore = QApplication::style();
    const QString styleName = styleBefore->name();
    for (const QString theme : {"dark", "light"}) {
      QVERIFY(sds::widgets::applyTheme(theme));
      MainWindow window;
      const QColor text = QApplication::palette().color(QPalette::WindowText);
      for (int row = 0; row < window.navigation()->count(); ++row) {
        const QImage icon = window.navigation()->item(row)->icon().pixmap(QSize(48, 48)).toImage();
        // Mean colour of the drawn (opaque) pixels: the symbol's colour is the text colour.
        double lightness = 0, drawn = 0;
        for (int y = 0; y < icon.height(); ++y)
          for (int x = 0; x < icon.width(); ++x) {
            const QColor c = icon.pixelColor(x, y);
            if (c.alpha() < 200) continue;
            lightness += c.lightness();
            ++drawn;
          }
        const QString where = theme + " theme, " + window.navigation()->item(row)->text();
        QVERIFY2(drawn > 48, qPrintable(where + ": nothing drawn"));
        QVERIFY2(std::abs(lightness / drawn - text.lightness()) < 30,
                 qPrintable(where + QString(": icon lightness %1, text %2").arg(lightness / drawn).arg(text.lightness())));
      }
    }
    QApplication::setStyle(QStyleFactory::create(styleName));
    QApplication::setPalette(before);
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
      // Choices show translated labels; the project keeps the TOML values.
      auto* method = qobject_cast<QComboBox*>(window.projectPage()->editor("training.method")->input());
      QCOMPARE(method->itemText(method->findData("full")), QString("Volles Feintraining"));
      auto* init = qobject_cast<QComboBox*>(window.projectPage()->editor("model.init")->input());
      QCOMPARE(init->itemText(init->findData("scratch")), QString("Von Grund auf (zufällige Gewichte)"));
      init->setCurrentIndex(init->findData("scratch"));
      QCOMPARE(window.projectPage()->project().getString("model.init"), std::string("scratch"));
      auto* device = qobject_cast<QComboBox*>(window.projectPage()->editor("training.device")->input());
      QCOMPARE(device->currentText(), QString("Automatisch"));
    }
    for (QTranslator* t : qApp->findChildren<QTranslator*>()) QCoreApplication::removeTranslator(t);
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
