// The run's settings come from the project file alone: the components' option structs, which other
// callers (the benchmark, the tests) construct directly, default to exactly what the schema defaults
// to, so that a setting left out of the project file means the same thing everywhere.

#include <QTemporaryDir>
#include <QtTest>

#include "config/project.h"
#include "train/train_settings.h"

using namespace sds;

class TestTrainSettings : public QObject {
  Q_OBJECT

  train::TrainSettings defaults_;

 private slots:
  void initTestCase() {
    QTemporaryDir dir;
    defaults_ = train::trainSettingsFrom(config::Project(), dir.filePath("project.toml").toStdString());
  }

  void optimizerDefaultsAreTheSchemas() {
    const train::AdamWOptions component;
    QCOMPARE(defaults_.adamw.beta1, component.beta1);
    QCOMPARE(defaults_.adamw.beta2, component.beta2);
    QCOMPARE(defaults_.adamw.epsilon, component.epsilon);
    QCOMPARE(defaults_.adamw.weightDecay, component.weightDecay);
    QCOMPARE(defaults_.adamw.eightBit, component.eightBit);
  }

  void lrScheduleDefaultsAreTheSchemas() {
    const train::LrScheduleOptions component;
    QCOMPARE(defaults_.lrSchedule.type, component.type);
    QCOMPARE(defaults_.lrSchedule.learningRate, component.learningRate);
    QCOMPARE(defaults_.lrSchedule.warmupSteps, component.warmupSteps);
    QCOMPARE(defaults_.lrSchedule.cycles, component.cycles);
    QCOMPARE(defaults_.lrSchedule.power, component.power);
    QCOMPARE(defaults_.lrSchedule.endLearningRate, component.endLearningRate);
    QCOMPARE(defaults_.lrSchedule.totalSteps, defaults_.maxSteps);  // the schedule spans the run
  }

  void objectiveDefaultsAreTheSchemas() {
    const train::ObjectiveOptions component;
    QCOMPARE(defaults_.objective.noiseOffset, component.noiseOffset);
    QCOMPARE(defaults_.objective.minSnrGamma, component.minSnrGamma);
    QCOMPARE(defaults_.objective.timestepMin, component.timestepMin);
    QCOMPARE(defaults_.objective.timestepMax, component.timestepMax);
  }

  void emaDefaultsAreTheSchemas() {
    const train::EmaOptions component;
    QCOMPARE(defaults_.ema.enabled, component.enabled);
    QCOMPARE(defaults_.ema.decay, component.decay);
    QCOMPARE(defaults_.ema.updateEvery, component.updateEvery);
    QCOMPARE(defaults_.ema.onCpu, component.onCpu);
  }

  void sampleDefaultsAreTheSchemas() {
    const train::SampleOptions component;
    QCOMPARE(defaults_.samples.every, component.every);
    QCOMPARE(defaults_.samples.steps, component.steps);
    QCOMPARE(defaults_.samples.guidance, component.guidance);
    QCOMPARE(defaults_.samples.sampler, component.sampler);
    QCOMPARE(defaults_.samples.seed, component.seed);
    QCOMPARE(defaults_.samples.negativePrompt, component.negativePrompt);
    QCOMPARE(defaults_.samples.width, component.width);
    QCOMPARE(defaults_.samples.height, component.height);
  }

  void bucketDefaultsAreTheSchemas() {
    const data::BucketOptions component;
    QCOMPARE(defaults_.plan.buckets.resolution, component.resolution);
    QCOMPARE(defaults_.plan.buckets.minSide, component.minSide);
    QCOMPARE(defaults_.plan.buckets.maxSide, component.maxSide);
    QCOMPARE(defaults_.plan.buckets.step, component.step);
  }

  void pathsAreResolvedAgainstTheProjectFolder() {
    QTemporaryDir dir;
    config::Project p;
    p.set("model.path", std::string("models/base"));
    p.set("dataset.path", std::string("/data/images"));
    const train::TrainSettings s = train::trainSettingsFrom(p, dir.filePath("sub/project.toml").toStdString());
    QCOMPARE(QString::fromStdString(s.modelPath), dir.filePath("sub/models/base"));
    QCOMPARE(QString::fromStdString(s.data.dataset.path), QString("/data/images"));
    QVERIFY(s.outputDirectory.rfind(dir.path().toStdString() + "/sub/", 0) == 0);
  }
};

QTEST_GUILESS_MAIN(TestTrainSettings)
#include "test_train_settings.moc"
