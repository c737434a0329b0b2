// The studio driving a real trainer: a tiny from-scratch run started from the Training page sends
// loss points to the chart, log lines to the terminal and samples to the gallery; it pauses and
// resumes; a killed trainer leaves the window with the error, the last lines and a resume offer that
// works; closing the window during training stops the run with a checkpoint.

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFrame>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QStatusBar>
#include <QTimer>

#include "fixtures.h"
#include "log_terminal.h"
#include "loss_chart.h"
#include "main_window.h"
#include "model_picker.h"
#include "project_document.h"
#include "run_folder.h"
#include "samples_page.h"
#include "trainer_process.h"
#include "training_page.h"

using sds::widgets::MainWindow;
using sds::widgets::TrainingPage;

namespace {

constexpr int kTrainerTimeoutMs = 180000;

// A from-scratch tiny model on 8 generated images: many steps (the test ends the run), a checkpoint
// every 3 steps and a sample every 4.
QByteArray tinyProject() {
  return R"([project]
name = "studio-test"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = 100000
batch_size = 2
seed = 5
device = "cpu"
precision = "fp32"
[dataset]
path = "data"
kind = "shapes"
shapes_count = 8
min_image_size = 32
workers = 1
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[optimizer]
learning_rate = 0.0005
[checkpointing]
every_n_steps = 3
keep_last = 2
[sampling]
every_n_steps = 4
prompts = ["a red circle on a blue background"]
steps = 2
sampler = "ddim"
[output]
directory = "out"
model_format = "diffusers"
save_precision = "fp32"
)";
}

// Answers every message box that opens while `action` runs by clicking the button whose text is
// `buttonText`; returns the texts shown.
QStringList answerWith(const QString& buttonText, const std::function<void()>& action) {
  QStringList seen;
  QTimer timer;
  timer.setInterval(20);
  QObject::connect(&timer, &QTimer::timeout, [&] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box) return;
    seen << box->text();
    for (QAbstractButton* b : box->buttons())
      if (b->text() == buttonText) {
        b->click();
        return;
      }
    box->reject();
  });
  timer.start();
  action();
  return seen;
}

// The project file `text` in `dir`; its path.
QString writeProject(const QTemporaryDir& dir, const QByteArray& text) {
  const QString path = dir.filePath("p.toml");
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size()) return {};
  return path;
}

bool terminalHas(const TrainingPage* page, const QString& text) {
  for (const QString& line : page->terminal()->visibleLines())
    if (line.contains(text)) return true;
  return false;
}

}  // namespace

class TestStudioTraining : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("SDStudioTest");
    QCoreApplication::setApplicationName("sdstudio-training-test");
    QSettings().clear();
    qputenv("SDS_SDTRAIN", SDS_SDTRAIN);
  }

  void trainPauseKillResumeAndClose() {
    QTemporaryDir dir;
    const QString project = writeProject(dir, tinyProject());
    QVERIFY(!project.isEmpty());

    auto* window = new MainWindow;
    window->show();
    QVERIFY(window->openProject(project));
    TrainingPage* page = window->trainingPage();
    QTRY_COMPARE(page->modelPicker()->status(), sds::widgets::ModelPicker::Status::Scratch);

    // Start: loss points reach the chart, the trainer's log the terminal, samples the gallery.
    QVERIFY(window->startTraining());
    QVERIFY(page->isRunning());
    QVERIFY(!page->startButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(page->chart()->stepCount() >= 5, kTrainerTimeoutMs);
    QVERIFY(terminalHas(page, "optimizer state"));  // logged by the trainer at every start
    QTRY_VERIFY_WITH_TIMEOUT(window->samplesPage()->sampleCount() >= 1, kTrainerTimeoutMs);
    QVERIFY(page->statusText().startsWith("Training"));
    QVERIFY(page->progressBar()->maximum() == 100000);
    QVERIFY(page->progressBar()->value() >= 5);

    // Pause holds the run; resume continues it.
    QTest::mouseClick(page->pauseButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(page->trainer()->state(), QString("paused"), kTrainerTimeoutMs);
    QVERIFY(page->statusText().startsWith("Paused"));
    QCOMPARE(page->pauseButton()->text(), QString("&Resume"));
    const qint64 pausedAt = page->chart()->stepCount();
    QTest::qWait(700);
    QCOMPARE(page->chart()->stepCount(), pausedAt);
    QTest::mouseClick(page->pauseButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(page->chart()->stepCount() > pausedAt + 2, kTrainerTimeoutMs);

    // Killed (as by the system running out of memory): the window stays with the error, the last
    // lines and the offer to resume from the newest checkpoint.
    QTRY_VERIFY_WITH_TIMEOUT(!sds::widgets::latestCheckpoint(window->runFolder()).isEmpty(), kTrainerTimeoutMs);
    page->trainer()->kill();
    QTRY_VERIFY_WITH_TIMEOUT(!page->isRunning(), kTrainerTimeoutMs);
    QTRY_VERIFY(page->errorPanel()->isVisible());
    QVERIFY(page->resumeButton()->isVisible());
    QVERIFY(page->startButton()->isEnabled());
    const QString checkpoint = sds::widgets::latestCheckpoint(window->runFolder());
    const qint64 resumeStep = sds::widgets::checkpointStep(checkpoint);
    QVERIFY(resumeStep >= 3);

    QTest::mouseClick(page->resumeButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(page->isRunning(), kTrainerTimeoutMs);
    QVERIFY(!page->errorPanel()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(page->lastStep() > resumeStep + 1, kTrainerTimeoutMs);
    QVERIFY(terminalHas(page, "Resuming"));

    // Closing while training asks; "Stop with a Checkpoint" ends the run with a checkpoint at its
    // last step, then closes the window.
    window->setAttribute(Qt::WA_DeleteOnClose, false);
    const QStringList asked = answerWith("Stop with a Checkpoint", [&] { window->close(); });
    QCOMPARE(asked.size(), 1);
    QVERIFY(asked.first().contains("still running"));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isRunning(), kTrainerTimeoutMs);
    QTRY_VERIFY(!window->isVisible());
    const qint64 stoppedAt = page->lastStep();
    QCOMPARE(sds::widgets::checkpointStep(sds::widgets::latestCheckpoint(window->runFolder())), stoppedAt);
    delete window;
  }

  // Start on a run folder that has checkpoints offers to resume it (the trainer never overwrites one).
  void startOffersToResume() {
    QTemporaryDir dir;
    const QString project = writeProject(dir, tinyProject());
    QVERIFY(!project.isEmpty());
    QVERIFY(QDir().mkpath(dir.filePath("out/checkpoints/step-00000007")));
    QFile progress(dir.filePath("out/checkpoints/step-00000007/progress.json"));
    QVERIFY(progress.open(QIODevice::WriteOnly));
    progress.close();

    MainWindow window;
    QVERIFY(window.openProject(project));
    bool started = true;
    const QStringList asked = answerWith("Cancel", [&] { started = window.startTraining(); });
    QVERIFY(!started);
    QCOMPARE(asked.size(), 1);
    QVERIFY2(asked.first().contains("step 7"), qPrintable(asked.first()));
    QVERIFY(!window.trainingPage()->isRunning());

    // Nobody to ask (the screenshot tour): the run is resumed without a question.
    const QStringList askedNothing =
        answerWith("Cancel", [&] { started = window.startTraining(MainWindow::ExistingRun::Resume); });
    QVERIFY(started);
    QVERIFY2(askedNothing.isEmpty(), qPrintable(askedNothing.join("; ")));
    QVERIFY(window.trainingPage()->isRunning());
    QVERIFY2(window.statusBar()->currentMessage().contains("step 7"), qPrintable(window.statusBar()->currentMessage()));
    window.trainingPage()->trainer()->kill();
    QTRY_VERIFY(!window.trainingPage()->isRunning());
  }

  // A project whose base model cannot be loaded does not start, and says why.
  void refusedModelDoesNotStart() {
    QTemporaryDir dir;
    QByteArray text = tinyProject();
    text.replace("init = \"scratch\"\narchitecture = \"tiny\"", "path = \"missing-model\"");
    const QString project = writeProject(dir, text);
    QVERIFY(!project.isEmpty());

    MainWindow window;
    QVERIFY(window.openProject(project));
    sds::widgets::ModelPicker* picker = window.trainingPage()->modelPicker();
    QTRY_COMPARE_WITH_TIMEOUT(picker->status(), sds::widgets::ModelPicker::Status::Refused, 30000);
    QVERIFY2(picker->refusal().contains("missing-model"), qPrintable(picker->refusal()));
    bool started = true;
    const QStringList asked = answerWith("OK", [&] { started = window.startTraining(); });
    QVERIFY(!started);
    QCOMPARE(asked.size(), 1);
    QVERIFY(asked.first().contains("missing-model"));
  }

  // The model picker names the family of what it is given and refuses what the trainer cannot load.
  void modelPickerShowsFamilyAndRefuses() {
    SDS_REQUIRE_FIXTURES();
    MainWindow window;
    sds::widgets::ModelPicker* picker = window.trainingPage()->modelPicker();
    picker->pick(fixture("tiny-sdxl"));
    QTRY_COMPARE_WITH_TIMEOUT(picker->status(), sds::widgets::ModelPicker::Status::Usable, 30000);
    QCOMPARE(picker->description(), QString("SDXL"));
    QCOMPARE(QString::fromStdString(window.document()->project().getString("model.path")), fixture("tiny-sdxl"));
    QVERIFY(picker->label()->text().contains("SDXL"));

    const QString golden = fixture("golden/sd15_vae.safetensors");
    QSignalSpy checked(picker, &sds::widgets::ModelPicker::checked);
    picker->pick(golden);
    QTRY_COMPARE_WITH_TIMEOUT(checked.size(), 1, 30000);
    QVERIFY2(picker->refusal().contains(golden), qPrintable(picker->refusal()));
    auto* box = window.findChild<QMessageBox*>("modelRefusal");
    QVERIFY(box);
    QVERIFY(box->informativeText().contains("model.diffusion_model"));
    // The model in use stays.
    QCOMPARE(picker->status(), sds::widgets::ModelPicker::Status::Usable);
    QCOMPARE(QString::fromStdString(window.document()->project().getString("model.path")), fixture("tiny-sdxl"));
  }
};

QTEST_MAIN(TestStudioTraining)
#include "test_studio_training.moc"
