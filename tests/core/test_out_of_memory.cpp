// The out-of-memory report follows what the trainer was doing: the advice for a model that does not
// fit at all, for the VAE's caching and for samples differs from the step's (a smaller batch).

#include <QtTest>

#include "train/out_of_memory.h"

using sds::train::describeOutOfMemory;

class TestOutOfMemory : public QObject {
  Q_OBJECT

 private slots:
  void reportFollowsThePhase_data() {
    QTest::addColumn<QString>("phase");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("advice");
    QTest::newRow("loading") << "loading" << "out of memory while putting the model on the GPU" << "method lora";
    QTest::newRow("caching") << "caching"
                             << "out of memory while caching latents (the VAE encoding 8 images of 1024 px at a time)"
                             << "lower training.batch_size";
    QTest::newRow("sampling") << "sampling" << "out of memory while making samples at step 700"
                              << "sampling.every_n_steps = 0";
    QTest::newRow("training") << "training" << "out of memory at step 701 (batch size 8 at 1024 px)"
                              << "lower training.batch_size";
    QTest::newRow("saving") << "saving" << "out of memory at step 701 (batch size 8 at 1024 px)"
                            << "training.gradient_checkpointing";
  }
  void reportFollowsThePhase() {
    QFETCH(QString, phase);
    QFETCH(QString, message);
    QFETCH(QString, advice);
    const auto report = describeOutOfMemory(phase.toStdString(), 700, 8, 1024);
    QCOMPARE(QString::fromStdString(report.message), message);
    QVERIFY2(QString::fromStdString(report.hint).contains(advice), report.hint.c_str());
  }
};

QTEST_MAIN(TestOutOfMemory)
#include "test_out_of_memory.moc"
