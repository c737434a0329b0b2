// The Training page's GPU choice: sdtrain's list read, the project's distributed.gpus shown as check
// boxes and written back as sdtrain reads it, at least one GPU kept, and the CPU named when there is
// no GPU (as on this machine, where sdtrain's own answer is used).

#include <QtTest>

#include <QCheckBox>
#include <QLabel>
#include <QSignalSpy>

#include "gpu_picker.h"

using namespace sds::widgets;

namespace {

QList<GpuEntry> fourGpus() {
  return {{0, "NVIDIA H200", 139.8}, {1, "NVIDIA H200", 139.8}, {2, "NVIDIA H200", 139.8}, {3, "NVIDIA H200", 139.8}};
}

QList<bool> checks(const GpuPicker& p) {
  QList<bool> out;
  for (const QCheckBox* b : p.boxes()) out << b->isChecked();
  return out;
}

}  // namespace

class TestGpuPicker : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { qputenv("SDS_SDTRAIN", SDS_SDTRAIN); }

  void parsesSdtrainsList() {
    const QList<GpuEntry> gpus =
        parseGpuList(R"([{"index":0,"name":"NVIDIA H200","memory_gib":139.8},{"index":1,"name":"RTX 4090","memory_gib":23.6}])");
    QCOMPARE(gpus.size(), 2);
    QCOMPARE(gpus[1].name, QString("RTX 4090"));
    QCOMPARE(gpus[1].memoryGiB, 23.6);
    QVERIFY(parseGpuList("not json").isEmpty());
    QVERIFY(parseGpuList(R"([{"name":"no index"}])").isEmpty());
  }

  void settingsBecomeCheckBoxes_data() {
    QTest::addColumn<QString>("setting");
    QTest::addColumn<QList<bool>>("checked");
    QTest::newRow("all") << "all" << QList<bool>{true, true, true, true};
    QTest::newRow("a count") << "2" << QList<bool>{true, true, false, false};
    QTest::newRow("indices") << "0,2" << QList<bool>{true, false, true, false};
    QTest::newRow("one index") << "3," << QList<bool>{false, false, false, true};
    QTest::newRow("index 0") << "0" << QList<bool>{true, false, false, false};
  }
  void settingsBecomeCheckBoxes() {
    QFETCH(QString, setting);
    QFETCH(QList<bool>, checked);
    GpuPicker picker;
    picker.setGpus(fourGpus());
    picker.setSelection(setting);
    QCOMPARE(checks(picker), checked);
    QVERIFY(picker.boxes()[0]->text().contains("NVIDIA H200"));
  }

  void clicksWriteTheSetting() {
    GpuPicker picker;
    picker.setGpus(fourGpus());
    picker.setSelection("all");
    QSignalSpy changed(&picker, &GpuPicker::selectionChanged);
    picker.boxes()[1]->click();
    QCOMPARE(changed.last().at(0).toString(), QString("0,2,3"));
    picker.boxes()[0]->click();
    picker.boxes()[3]->click();
    QCOMPARE(changed.last().at(0).toString(), QString("2,"));  // one index, not a count of 2
    picker.boxes()[2]->click();  // the last checked GPU stays checked
    QVERIFY(picker.boxes()[2]->isChecked());
    QCOMPARE(picker.selection(), QString("2,"));
    for (int i : {0, 1, 3}) picker.boxes()[i]->click();
    QCOMPARE(changed.last().at(0).toString(), QString("all"));
  }

  void noGpuNamesTheCpu() {
    GpuPicker picker;  // asks this machine's sdtrain, which finds no GPU here
    QVERIFY(!picker.label()->text().contains("CPU"));
    picker.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(picker.label()->text().contains("CPU"), 30000);
    QVERIFY(picker.boxes().isEmpty());
  }
};

QTEST_MAIN(TestGpuPicker)
#include "test_gpu_picker.moc"
