// A full disk while a checkpoint or a model is written, played by a file-size limit (RLIMIT_FSIZE with
// SIGXFSZ ignored, so a write past it fails with EFBIG as one on a full disk fails with ENOSPC): the
// write fails with a message naming the file, the partial folder is gone, and what was there before
// (the previous checkpoint, the previous model) is intact and loads.

#include <torch/torch.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

#include <csignal>

#include "models/io/model_loader.h"
#include "models/io/diffusers_writer.h"
#include "models/scratch_model.h"
#include "train/checkpoint_store.h"

using namespace sds;

namespace {

// Files of this process cannot grow past `bytes` while it lives.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previousHandler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    ok_ = ::setrlimit(RLIMIT_FSIZE, &limited) == 0;
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previousHandler_);
  }
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  void (*previousHandler_)(int) = nullptr;
  bool ok_ = false;
};

QStringList entries(const QString& folder) { return QDir(folder).entryList(QDir::AllEntries | QDir::NoDotAndDotDot); }

}  // namespace

class TestDiskFull : public QObject {
  Q_OBJECT

 private slots:
  void checkpointThatDoesNotFitLeavesThePreviousOne() {
    QTemporaryDir dir;
    const std::string folder = dir.filePath("checkpoints").toStdString();
    train::CheckpointStore store(folder, 3);
    train::TrainingProgress progress;
    progress.step = 2;
    torch::manual_seed(1);
    const std::map<std::string, at::Tensor> before{{"model/w", torch::randn({64, 1024})}};  // 256 KiB
    const std::string first = store.save(progress, before, "identity");

    progress.step = 4;
    const std::map<std::string, at::Tensor> after{{"model/w", torch::randn({64, 1024})}};
    QString message;
    {
      FileSizeLimit limit(64 * 1024);
      QVERIFY(limit.ok());
      try {
        store.save(progress, after, "identity");
      } catch (const std::exception& e) {
        message = QString::fromUtf8(e.what());
      }
    }
    QVERIFY2(message.contains("state.safetensors") && message.contains("File too large"), qPrintable(message));
    QCOMPARE(entries(dir.filePath("checkpoints")), QStringList{"step-00000002"});  // no step-4, no partial
    QCOMPARE(store.latest().value(), first);
    const train::Checkpoint loaded = train::CheckpointStore::load(first);
    QCOMPARE(loaded.progress.step, std::int64_t(2));
    QVERIFY(torch::equal(loaded.tensors.at("model/w"), before.at("model/w")));

    // With room again, the same step is written.
    QCOMPARE(QString::fromStdString(store.save(progress, after, "identity")), dir.filePath("checkpoints/step-00000004"));
  }

  // A damaged or hand-edited progress record: a step that is no integer is refused with the file's
  // name (a float beyond any integer was once converted with undefined behaviour).
  void aProgressRecordWithoutIntegersIsRefused() {
    QTemporaryDir dir;
    train::CheckpointStore store(dir.filePath("checkpoints").toStdString(), 3);
    train::TrainingProgress progress;
    progress.step = 2;
    const std::string saved = store.save(progress, {{"w", torch::ones({2})}}, "identity");
    const QString record = QString::fromStdString(saved) + "/progress.json";
    QFile file(record);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    file.close();
    QVERIFY(text.contains("\"step\": 2"));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray(text).replace("\"step\": 2", "\"step\": 1e300"));
    file.close();
    try {
      train::CheckpointStore::load(saved);
      QFAIL("a float step was taken");
    } catch (const std::runtime_error& e) {
      QVERIFY2(QString(e.what()).contains("progress.json") && QString(e.what()).contains("step"), e.what());
    }
  }

  // Old checkpoints go by rename first: what a kill left of a removal (a folder set aside, possibly
  // half deleted) is removed at the next save and is never taken for a checkpoint meanwhile.
  void leftoversOfRemovalsAreNoCheckpointsAndGoAtTheNextSave() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("checkpoints");
    train::CheckpointStore store(folder.toStdString(), 2);
    train::TrainingProgress progress;
    const std::map<std::string, at::Tensor> tensors{{"model/w", torch::ones({4})}};
    for (std::int64_t step : {1, 2, 3}) {
      progress.step = step;
      store.save(progress, tensors, "identity");
    }
    QCOMPARE(entries(folder), (QStringList{"step-00000002", "step-00000003"}));
    // As a kill would leave them: step 2 set aside with its tensors gone, an earlier replacement's aside.
    QVERIFY(QDir(folder).rename("step-00000002", "step-00000002.removing"));
    QVERIFY(QFile::remove(folder + "/step-00000002.removing/state.safetensors"));
    QVERIFY(QDir(folder).mkpath("step-00000001.old"));
    QCOMPARE(store.list().size(), std::size_t(1));
    progress.step = 4;
    store.save(progress, tensors, "identity");
    QCOMPARE(entries(folder), (QStringList{"step-00000003", "step-00000004"}));
  }

  void modelThatDoesNotFitLeavesThePreviousOne() {
    QTemporaryDir dir;
    const std::string folder = dir.filePath("model").toStdString();
    models::StableDiffusionModel model = models::createScratchModel("tiny", 3);
    models::saveDiffusersModel(model, folder, torch::kFloat32);
    const at::Tensor saved = model.unet->conv_in->weight.detach().clone();
    {
      torch::NoGradGuard noGrad;
      model.unet->conv_in->weight.add_(1.0);
    }
    QString message;
    {
      FileSizeLimit limit(256 * 1024);  // below the UNet's weights
      QVERIFY(limit.ok());
      try {
        models::saveDiffusersModel(model, folder, torch::kFloat32);
      } catch (const std::exception& e) {
        message = QString::fromUtf8(e.what());
      }
    }
    QVERIFY2(message.contains("File too large"), qPrintable(message));
    QCOMPARE(entries(dir.path()), QStringList{"model"});  // no model.partial, no model.old
    const models::StableDiffusionModel reloaded = models::loadModel(folder, torch::kFloat32);
    QVERIFY(torch::equal(reloaded.unet->conv_in->weight, saved));  // the earlier model, whole
  }
};

QTEST_MAIN(TestDiskFull)
#include "test_disk_full.moc"
