// The Samples page's two views of one run: the gallery (newest first) and the grid of prompts × steps,
// from the files in the run folder and from samples arriving live; the prompt filter and the demo's
// introduction.

#include <QtTest>

#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QTemporaryDir>

#include "image/png_writer.h"
#include "samples_grid.h"
#include "samples_page.h"

using namespace sds::widgets;

namespace {

QString writeSample(const QString& folder, qint64 step, int promptIndex, const QString& prompt) {
  const QString path = QString("%1/step-%2-p%3.png").arg(folder).arg(step, 8, 10, QChar('0')).arg(promptIndex, 2, 10, QChar('0'));
  sds::image::Rgb8Image image(8, 8);
  sds::image::writePng(path.toStdString(), image,
                       {{"prompt", prompt.toStdString()}, {"step", std::to_string(step)}, {"seed", "1234"}});
  return path;
}

}  // namespace

class TestSamplesPage : public QObject {
  Q_OBJECT

 private slots:
  void gridHasAColumnPerPromptAndARowPerStep() {
    QTemporaryDir run;
    const QString samples = run.filePath("samples");
    QVERIFY(QDir().mkpath(samples));
    const QStringList prompts{"a red circle on a blue background", "a green square on a yellow background"};
    for (qint64 step : {400, 200})
      for (int p = 0; p < 2; ++p) writeSample(samples, step, p, prompts[p]);

    SamplesPage page;
    page.setRunFolder(run.path());
    QCOMPARE(page.sampleCount(), 4);
    QCOMPARE(page.grid()->prompts(), prompts);
    QCOMPARE(page.grid()->steps(), (QList<qint64>{200, 400}));
    QCOMPARE(QFileInfo(page.grid()->pathAt(1, 1)).fileName(), QString("step-00000400-p01.png"));
    // The header shows the whole prompt, broken into lines to fit the column.
    const QString header = page.grid()->horizontalHeaderItem(0)->text();
    QVERIFY2(header.contains('\n'), qPrintable(header));
    QCOMPARE(QString(header).replace('\n', ' '), prompts[0]);
    QCOMPARE(page.grid()->horizontalHeaderItem(0)->toolTip(), prompts[0]);
    QCOMPARE(page.grid()->verticalHeaderItem(0)->text(), QString("Step 200"));
    // The gallery lists the newest step first.
    QVERIFY(page.gallery()->item(0)->text().startsWith("Step 400"));

    // A sample arriving live: a new step becomes the last row; a new prompt a new column.
    const QString late = writeSample(samples, 600, 2, "a blue triangle on a white background");
    page.addSample(600, late, "a blue triangle on a white background", 1234);
    QCOMPARE(page.grid()->steps(), (QList<qint64>{200, 400, 600}));
    QCOMPARE(page.grid()->prompts().size(), 3);
    QCOMPARE(page.grid()->pathAt(2, 2), QFileInfo(late).absoluteFilePath());
    QVERIFY(page.grid()->pathAt(2, 0).isEmpty());  // no sample of that prompt at step 600

    // Thumbnails reach the grid's cells too.
    QTRY_VERIFY(!page.grid()->item(0, 0)->icon().isNull());

    // The prompt filter hides the other prompts' columns.
    QComboBox* promptFilter = nullptr;
    for (QComboBox* box : page.findChildren<QComboBox*>())
      if (box->accessibleName() == "Prompt filter") promptFilter = box;
    QVERIFY(promptFilter);
    promptFilter->setCurrentIndex(promptFilter->findText(prompts[1]));
    QVERIFY(page.grid()->isColumnHidden(0));
    QVERIFY(!page.grid()->isColumnHidden(1));
    promptFilter->setCurrentIndex(0);
    QVERIFY(!page.grid()->isColumnHidden(0));

    // Another run folder replaces both views.
    QTemporaryDir empty;
    page.setRunFolder(empty.path());
    QCOMPARE(page.grid()->rowCount(), 0);
    QCOMPARE(page.grid()->columnCount(), 0);
  }

  void viewAndIntroduction() {
    SamplesPage page;
    page.show();
    QCOMPARE(page.view(), SamplesPage::View::Gallery);
    page.setView(SamplesPage::View::Grid);
    QCOMPARE(page.view(), SamplesPage::View::Grid);
    QVERIFY(page.grid()->isVisible());
    QVERIFY(!page.gallery()->isVisible());
    page.setIntroduction("What the demo learns");
    QLabel* intro = nullptr;
    for (QLabel* label : page.findChildren<QLabel*>())
      if (label->text() == "What the demo learns") intro = label;
    QVERIFY(intro && intro->isVisible());
    page.setIntroduction(QString());
    QVERIFY(!intro->isVisible());
  }
};

QTEST_MAIN(TestSamplesPage)
#include "test_samples_page.moc"
