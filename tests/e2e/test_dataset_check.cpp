// `sdtrain dataset check` as a user runs it: on a messy folder, on tar shards and through a project
// file; the text report, the JSON report, the progress events and the exit codes.

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>


#include "dataset_files.h"
#include "image_encoders.h"
#include "sdtrain_process.h"

using namespace sds::testimg;

namespace {

// The output (UTF-8 bytes) holds the text.
#define CONTAINS(output, text)                                                                      \
  QVERIFY2(QString::fromUtf8(output).contains(QString(text)),                                       \
           qPrintable(QString("no \"%1\" in:\n%2").arg(QString(text), QString::fromUtf8(output))))

void writeBytes(const QString& path, const std::string& content) {
  QDir().mkpath(QFileInfo(path).path());
  QFile file(path);
  QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
  QCOMPARE(file.write(content.data(), qint64(content.size())), qint64(content.size()));
}

QJsonObject jsonOf(const QByteArray& out, QString* problem) {
  QJsonParseError error;
  const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
  if (!doc.isObject()) *problem = "not one JSON object (" + error.errorString() + "):\n" + QString::fromUtf8(out);
  return doc.object();
}

}  // namespace

class TestDatasetCheck : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString messy_;  // good images and one of every common problem
  QString bad_;    // only bad files
  QString shards_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    messy_ = dir_.filePath("photos");
    writeBytes(messy_ + "/beach.png", noisePng(768, 512, 1));
    writeBytes(messy_ + "/beach.txt", "a beach at dusk");
    writeBytes(messy_ + "/tower.JPG", noiseJpeg(384, 640, 2));
    writeBytes(messy_ + "/tower.txt", "a tall tower");
    writeBytes(messy_ + "/square.webp", encodeWebp(noise(300, 300, 3, 3), 300, 300, 3, true));
    writeBytes(messy_ + "/square.txt", "a square");
    writeBytes(messy_ + "/copy.png", noisePng(768, 512, 1));  // the same as beach.png
    writeBytes(messy_ + "/copy.txt", "a copy");
    writeBytes(messy_ + "/nocaption1.png", noisePng(300, 300, 4));
    writeBytes(messy_ + "/nocaption2.png", noisePng(300, 300, 5));
    writeBytes(messy_ + "/nocaption3.png", noisePng(300, 300, 6));
    writeBytes(messy_ + "/empty.jpg", "");
    writeBytes(messy_ + "/empty.txt", "empty");
    writeBytes(messy_ + "/small.png", noisePng(100, 100, 7));
    writeBytes(messy_ + "/small.txt", "small");
    std::string words;
    for (int i = 0; i < 90; ++i) words += "word ";
    writeBytes(messy_ + "/long.png", noisePng(300, 300, 8));
    writeBytes(messy_ + "/long.txt", words);
    writeBytes(messy_ + "/3_cat/one.png", noisePng(512, 512, 9));
    writeBytes(messy_ + "/3_cat/two.png", noisePng(512, 512, 10));
    BmpSpec bmp;
    bmp.width = bmp.height = 300;
    bmp.pixels = noise(300, 300, 3, 11);
    writeBytes(messy_ + "/3_cat/three.bmp", encodeBmp(bmp));

    bad_ = dir_.filePath("bad");
    writeBytes(bad_ + "/a.jpg", "not a picture");
    writeBytes(bad_ + "/a.txt", "caption");
    writeBytes(bad_ + "/b.png", "");
    writeBytes(bad_ + "/b.txt", "caption");

    shards_ = dir_.filePath("shards");
    writeBytes(shards_ + "/part-0.tar", tarOf({{"0.jpg", noiseJpeg(512, 512, 20)},
                                               {"0.txt", "kept"},
                                               {"0.json", R"({"original_width": 1024})"},
                                               {"1.jpg", noiseJpeg(512, 512, 21)},
                                               {"1.txt", "filtered"},
                                               {"1.json", R"({"original_width": 256})"}}));
    writeBytes(shards_ + "/part-1.tar", tarOf({{"2.png", noisePng(640, 384, 22)},
                                               {"2.txt", "kept too"},
                                               {"2.json", R"({"original_width": 640})"},
                                               {"3.png", "broken"},
                                               {"3.txt", "corrupt"},
                                               {"3.json", R"({"original_width": 640})"}}));
  }

  void textReport() {
    RUN(r, kExitOk, {"dataset", "check", messy_});
    const QByteArray& out = r.out;
    CONTAINS(out, "Dataset: " + messy_ + " (folder)");
    // 13 image files: 7 usable (beach, tower, square, long; one, two, three) and 6 skipped.
    CONTAINS(out, "Images: 13 examined, 7 usable, 6 skipped; 1 warning");
    CONTAINS(out, "Epoch: 13 samples with repeats");  // 4 × 1 + 3 × 3
    CONTAINS(out, "Formats: BMP 1, JPEG 1, PNG 4, WebP 1");
    CONTAINS(out, "  (top folder): 1 × 4 images");
    CONTAINS(out, "  3_cat: 3 × 3 images, default caption \"cat\"");
    CONTAINS(out, "Buckets (resolution 512, sides 256 to 1024):");
    CONTAINS(out, "  512x512: 5");
    CONTAINS(out, "  384x640: 1");
    CONTAINS(out, "  640x384: 1");
    CONTAINS(out, "  missing caption: 3 images skipped");
    CONTAINS(out, "Issues (files in " + messy_ + "/):");
    CONTAINS(out, "    nocaption1.png: has no caption (nocaption1.txt not found)");
    CONTAINS(out, "  empty: 1 image skipped");
    CONTAINS(out, "    empty.jpg: the file is empty");
    CONTAINS(out, "  too small: 1 image skipped");
    CONTAINS(out, "    small.png: 100×100 is smaller");
    CONTAINS(out, "  duplicate: 1 image skipped");
    CONTAINS(out, "    copy.png: has the same content as beach.png");
    CONTAINS(out, "  caption too long: 1 warning");
    CONTAINS(out, "    long.png: its caption has 90 tokens");
    // Problems that cost images come before warnings.
    QVERIFY(out.indexOf("duplicate:") < out.indexOf("caption too long:"));
    CONTAINS(out, "7 of 13 images are usable; training skips the others.");

    RUN(few, kExitOk, {"dataset", "check", messy_, "--examples", "1"});
    CONTAINS(few.out, "    nocaption1.png: has no caption");
    QVERIFY(!few.out.contains("nocaption2.png"));
    CONTAINS(few.out, "    … and 2 more");
  }

  void optionsChangeTheCheck() {
    RUN(r, kExitOk,
        {"dataset", "check", messy_, "--default-caption", "a photo", "--min-size", "64", "--resolution", "1024",
         "--min-bucket", "512", "--max-bucket", "2048"});
    CONTAINS(r.out, "Images: 13 examined, 11 usable, 2 skipped");  // left: the duplicate and the empty file
    CONTAINS(r.out, "Buckets (resolution 1024, sides 512 to 2048):");
    CONTAINS(r.out, "  1024x1024: ");
    QVERIFY(!r.out.contains("missing caption"));

    writeBytes(dir_.filePath("captions-md/a.png"), noisePng(300, 300, 30));
    writeBytes(dir_.filePath("captions-md/a.md"), "markdown caption");
    RUN(md, kExitOk, {"dataset", "check", dir_.filePath("captions-md"), "--caption-extension", "md"});
    CONTAINS(md.out, "1 usable");
  }

  void jsonReport() {
    RUN(r, kExitOk, {"dataset", "check", messy_, "--json"});
    QString problem;
    const QJsonObject o = jsonOf(r.out, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(o.value("path").toString(), messy_);
    QCOMPARE(o.value("kind").toString(), QString("folder"));
    QCOMPARE(o.value("examined").toInt(), 13);
    QCOMPARE(o.value("usable").toInt(), 7);
    QCOMPARE(o.value("skipped").toInt(), 6);
    QCOMPARE(o.value("warnings").toInt(), 1);
    QCOMPARE(o.value("epoch_size").toInt(), 13);
    const QJsonObject formats = o.value("formats").toObject();
    QCOMPARE(formats.value("PNG").toInt(), 4);
    QCOMPARE(formats.value("JPEG").toInt(), 1);
    QCOMPARE(formats.value("WebP").toInt(), 1);
    QCOMPARE(formats.value("BMP").toInt(), 1);
    const QJsonArray concepts = o.value("concepts").toArray();
    QCOMPARE(concepts.size(), 2);
    QJsonObject cat;
    for (const QJsonValue& c : concepts)
      if (c.toObject().value("folder").toString() == "3_cat") cat = c.toObject();
    QCOMPARE(cat.value("repeats").toInt(), 3);
    QCOMPARE(cat.value("images").toInt(), 3);
    QCOMPARE(cat.value("default_caption").toString(), QString("cat"));
    const QJsonObject buckets = o.value("buckets").toObject();
    QCOMPARE(buckets.value("resolution").toInt(), 512);
    QCOMPARE(buckets.value("enabled").toBool(), true);
    int inBuckets = 0;
    for (const QJsonValue& b : buckets.value("histogram").toArray()) {
      QCOMPARE(b.toObject().value("width").toInt() % 64, 0);
      inBuckets += b.toObject().value("count").toInt();
    }
    QCOMPARE(inBuckets, 7);
    const QJsonObject issues = o.value("issues").toObject();
    QCOMPARE(issues.keys(), (QStringList{"caption too long", "duplicate", "empty", "missing caption", "too small"}));
    const QJsonObject missing = issues.value("missing caption").toObject();
    QCOMPARE(missing.value("count").toInt(), 3);
    QCOMPARE(missing.value("skipped").toInt(), 3);
    const QJsonArray items = missing.value("items").toArray();
    QCOMPARE(items.size(), 3);  // all of them, not only the first few
    QCOMPARE(items[0].toObject().value("item").toString(), messy_ + "/nocaption1.png");
    QVERIFY(items[0].toObject().value("message").toString().contains("has no caption"));
    QCOMPARE(items[0].toObject().value("skipped").toBool(), true);
    QCOMPARE(issues.value("caption too long").toObject().value("skipped").toInt(), 0);
  }

  void jsonlEvents() {
    RUN(r, kExitOk, {"--events", "jsonl", "dataset", "check", messy_});
    QList<QJsonObject> events;
    for (const QByteArray& line : r.out.split('\n')) {
      if (line.isEmpty()) continue;
      const QJsonDocument doc = QJsonDocument::fromJson(line);
      QVERIFY2(doc.isObject() && doc.object().value("event").isString(), line.constData());
      events << doc.object();
    }
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.first().value("event").toString(), QString("hello"));
    QJsonObject lastProgress;
    bool scanning = false, finished = false, summary = false;
    for (const QJsonObject& e : events) {
      const QString name = e.value("event").toString();
      if (name == "progress") {
        QCOMPARE(e.value("phase").toString(), QString("scanning"));
        lastProgress = e;
      }
      if (name == "state" && e.value("state").toString() == "scanning") scanning = true;
      if (name == "state" && e.value("state").toString() == "finished") finished = true;
      if (name == "log" && e.value("message").toString().startsWith("Images: 13 examined")) summary = true;
    }
    QVERIFY(scanning && finished && summary);
    // The report itself is one dataset_report event, the same object as --json prints.
    QList<QJsonObject> reports;
    for (const QJsonObject& e : events)
      if (e.value("event").toString() == "dataset_report") reports << e.value("report").toObject();
    QCOMPARE(reports.size(), 1);
    QCOMPARE(reports.first().value("examined").toInt(), 13);
    QCOMPARE(reports.first().value("usable").toInt(), 7);
    QCOMPARE(reports.first().value("issues").toObject().value("missing caption").toObject().value("count").toInt(), 3);
    QCOMPARE(events.last().value("event").toString(), QString("state"));
    QCOMPARE(events.last().value("state").toString(), QString("finished"));
    QCOMPARE(lastProgress.value("current").toInt(), 13);
    QCOMPARE(lastProgress.value("total").toInt(), 13);
  }

  // With --json as well, the report comes once, as the event, and never as a log line of JSON.
  void jsonlEventsWithJsonReport() {
    RUN(r, kExitOk, {"--events", "jsonl", "dataset", "check", messy_, "--json"});
    int reports = 0;
    for (const QByteArray& line : r.out.split('\n')) {
      if (line.isEmpty()) continue;
      const QJsonObject e = QJsonDocument::fromJson(line).object();
      if (e.value("event").toString() == "dataset_report") {
        ++reports;
        QCOMPARE(e.value("report").toObject().value("skipped").toInt(), 6);
      }
      if (e.value("event").toString() == "log") QVERIFY2(!e.value("message").toString().startsWith("{"), line.constData());
    }
    QCOMPARE(reports, 1);
  }

  void shards() {
    RUN(r, kExitOk,
        {"dataset", "check", shards_ + "/part-{0..1}.tar", "--filter", "original_width >= 512", "--json"});
    QString problem;
    const QJsonObject o = jsonOf(r.out, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(o.value("kind").toString(), QString("webdataset"));
    QCOMPARE(o.value("examined").toInt(), 4);
    QCOMPARE(o.value("usable").toInt(), 2);
    const QJsonObject issues = o.value("issues").toObject();
    QCOMPARE(issues.value("filtered").toObject().value("count").toInt(), 1);
    QCOMPARE(issues.value("filtered").toObject().value("items").toArray()[0].toObject().value("item").toString(),
             shards_ + "/part-0.tar:1.jpg");
    QCOMPARE(issues.value("not an image").toObject().value("count").toInt(), 1);

    RUN(text, kExitOk, {"dataset", "check", shards_ + "/part-{0..1}.tar", "--filter", "original_width >= 512"});
    CONTAINS(text.out, "(webdataset)");
    CONTAINS(text.out, "  filtered: 1 image skipped");
    CONTAINS(text.out, "Issues (files in " + shards_ + "/):");
    CONTAINS(text.out, "    part-0.tar:1.jpg: filtered out by original_width >= 512 (original_width is 256)");

    RUN(badFilter, kExitInvalidInput, {"dataset", "check", shards_ + "/part-0.tar", "--filter", "wide"});
    CONTAINS(badFilter.err, "\"wide\" is not a filter");
  }

  void projectFile() {
    const QString folder = dir_.filePath("project");
    writeBytes(folder + "/run.toml",
               "[dataset]\n"
               "path = \"../photos\"\n"
               "default_caption = \"a photo\"\n"
               "min_image_size = 64\n"
               "[resolution]\n"
               "size = 768\n"
               "min_bucket_side = 384\n"
               "max_bucket_side = 1536\n");
    // Run from elsewhere: the dataset path is relative to the project file. The project has no base
    // model, an error that does not concern the dataset check.
    RUN(r, kExitOk, {"dataset", "check", "--project", folder + "/run.toml", "--json"}, dir_.filePath("bad"));
    QString problem;
    const QJsonObject o = jsonOf(r.out, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(o.value("path").toString(), messy_);
    QCOMPARE(o.value("usable").toInt(), 11);
    QCOMPARE(o.value("buckets").toObject().value("resolution").toInt(), 768);
    QCOMPARE(o.value("buckets").toObject().value("min_side").toInt(), 384);
    // An option on the command line wins over the project.
    RUN(over, kExitOk, {"dataset", "check", "--project", folder + "/run.toml", "--json", "--resolution", "512"});
    QCOMPARE(jsonOf(over.out, &problem).value("buckets").toObject().value("resolution").toInt(), 512);

    writeBytes(folder + "/broken.toml", "[dataset]\npath = 5\n");
    RUN(broken, kExitInvalidInput, {"dataset", "check", "--project", folder + "/broken.toml"});
    CONTAINS(broken.err, "broken.toml");
  }

  void unusableDatasets() {
    RUN(missing, kExitInvalidInput, {"dataset", "check", dir_.filePath("no-such-folder")});
    CONTAINS(missing.err, "error: ");
    CONTAINS(missing.err, dir_.filePath("no-such-folder"));

    RUN(bad, kExitInvalidInput, {"dataset", "check", bad_});
    CONTAINS(bad.out, "Images: 2 examined, 0 usable, 2 skipped");
    CONTAINS(bad.out, "    a.jpg: not an image");
    CONTAINS(bad.err, "none of the 2 images in " + bad_ + " is usable");

    RUN(badJson, kExitInvalidInput, {"dataset", "check", bad_, "--json"});
    QString problem;
    QCOMPARE(jsonOf(badJson.out, &problem).value("usable").toInt(), 0);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    QTemporaryDir empty;
    RUN(none, kExitInvalidInput, {"dataset", "check", empty.path()});
    CONTAINS(none.err, "no image found");

    RUN(noPath, kExitUsage, {"dataset", "check"});
    RUN(noBucket, kExitUsage, {"dataset", "check", messy_, "--resolution", "128", "--min-bucket", "256"});
    RUN(unknown, kExitUsage, {"dataset", "check", messy_, "--frobnicate"});
  }
};

QTEST_GUILESS_MAIN(TestDatasetCheck)
#include "test_dataset_check.moc"
