// The Dataset page, offscreen: a folder dropped on it (a real QDropEvent) is scanned in the
// background into the grid, the counts, the bucket histogram and the issue list; filters narrow the
// grid; captions edited in place are written beside the image; dropped images are copied in; tar
// shards show their members and refuse caption edits; a missing path is named.

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDropEvent>
#include <QFile>
#include <QIcon>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QPixmap>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUrl>

#include "caption_editor.h"
#include "config/project.h"
#include "dataset_files.h"
#include "dataset_model.h"
#include "dataset_page.h"
#include "dropped_files.h"

using sds::widgets::CaptionEditor;
using sds::widgets::DatasetModel;
using sds::widgets::DatasetPage;

namespace {

void write(const QString& path, const std::string& bytes) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(bytes.data(), qint64(bytes.size()));
}

QByteArray read(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Drops `urls` on `target` as a file manager does: drag enter, then drop.
bool drop(QWidget* target, const QList<QUrl>& urls) {
  QMimeData mime;
  mime.setUrls(urls);
  const QPoint at = target->rect().center();
  QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &enter);
  if (!enter.isAccepted()) return false;
  QDropEvent dropEvent(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &dropEvent);
  return dropEvent.isAccepted();
}

// Closes every message box that opens while `action` runs; returns their texts.
QStringList closeBoxes(const std::function<void()>& action) {
  QStringList seen;
  QTimer timer;
  timer.setInterval(20);
  QObject::connect(&timer, &QTimer::timeout, [&] {
    if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
      seen << box->text();
      box->accept();
    }
  });
  timer.start();
  action();
  return seen;
}

int rowWithPath(const QAbstractItemModel* model, const QString& suffix) {
  for (int row = 0; row < model->rowCount(); ++row)
    if (model->index(row, 0).data(DatasetModel::PathRole).toString().endsWith(suffix)) return row;
  return -1;
}

}  // namespace

class TestDatasetPage : public QObject {
  Q_OBJECT

 private slots:
  void droppedFolderIsScannedFilteredAndEdited() {
    QTemporaryDir dir;
    const QString data = dir.filePath("data");
    QVERIFY(QDir().mkpath(data));
    for (int i = 0; i < 5; ++i) {
      write(data + QString("/good%1.png").arg(i), sds::testimg::noisePng(96, 64 + 8 * i, 10 + i));
      write(data + QString("/good%1.txt").arg(i), "a photo number " + std::to_string(i));
    }
    write(data + "/nocaption.jpg", sds::testimg::noiseJpeg(80, 80, 3));
    write(data + "/corrupt.png", "\x89PNG\r\n\x1a\n this is not a png");
    write(data + "/tiny.png", sds::testimg::noisePng(8, 8, 4));
    write(data + "/tiny.txt", "too small");

    sds::config::Project project;
    project.set("dataset.min_image_size", sds::config::Value(std::int64_t(32)));
    project.set("resolution.size", sds::config::Value(std::int64_t(64)));
    project.set("resolution.min_bucket_side", sds::config::Value(std::int64_t(64)));
    project.set("resolution.max_bucket_side", sds::config::Value(std::int64_t(128)));
    DatasetPage page;
    page.resize(900, 600);
    page.show();
    page.setProject(project, dir.path());
    QCOMPARE(page.model()->rowCount(), 0);

    QSignalSpy chosen(&page, &DatasetPage::datasetPathChosen);
    QSignalSpy finished(&page, &DatasetPage::scanFinished);
    QVERIFY(drop(&page, {QUrl::fromLocalFile(data)}));
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.first().first().toString(), data);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QVERIFY(!page.isScanning());

    // 5 usable, 3 skipped (no caption, corrupt, too small): 8 items.
    QCOMPARE(page.sampleCount(), 5);
    QCOMPARE(page.gridModel()->rowCount(), 8);
    QCOMPARE(page.issueCount(), 3);
    QVERIFY2(page.summaryText().startsWith("5 usable images"), qPrintable(page.summaryText()));
    QVERIFY(page.summaryText().contains("3 skipped"));
    QVERIFY(page.summaryText().contains("1 without caption"));
    QVERIFY(page.histogram()->topLevelItemCount() >= 1);
    int inBuckets = 0;
    for (int i = 0; i < page.histogram()->topLevelItemCount(); ++i)
      inBuckets += page.histogram()->topLevelItem(i)->text(1).toInt();
    QCOMPARE(inBuckets, 5);
    QStringList issueFiles;
    for (int i = 0; i < page.issueList()->topLevelItemCount(); ++i)
      issueFiles << QFileInfo(page.issueList()->topLevelItem(i)->text(1)).fileName();
    QVERIFY2(issueFiles.contains("corrupt.png") && issueFiles.contains("tiny.png") &&
                 issueFiles.contains("nocaption.jpg"),
             qPrintable(issueFiles.join(",")));

    // Filters.
    QSortFilterProxyModel* shown = page.filteredModel();
    page.problemFilter()->setCurrentIndex(page.problemFilter()->findText("Missing caption"));
    QCOMPARE(shown->rowCount(), 1);
    QVERIFY(shown->index(0, 0).data(DatasetModel::PathRole).toString().endsWith("nocaption.jpg"));
    page.problemFilter()->setCurrentIndex(page.problemFilter()->findText("Unreadable"));
    QCOMPARE(shown->rowCount(), 1);
    page.problemFilter()->setCurrentIndex(page.problemFilter()->findText("Too small"));
    QCOMPARE(shown->rowCount(), 1);
    page.problemFilter()->setCurrentIndex(page.problemFilter()->findText("Any problem"));
    QCOMPARE(shown->rowCount(), 3);
    page.problemFilter()->setCurrentIndex(0);
    QCOMPARE(shown->rowCount(), 8);

    // Thumbnails arrive off the UI thread, small.
    const int good = rowWithPath(page.model(), "good2.png");
    QVERIFY(good >= 0);
    const QModelIndex goodIndex = page.model()->index(good);
    (void)goodIndex.data(Qt::DecorationRole);
    QTRY_VERIFY(goodIndex.data(DatasetModel::ThumbnailReadyRole).toBool());
    const QPixmap thumbnail = goodIndex.data(Qt::DecorationRole).value<QPixmap>();
    QVERIFY(!thumbnail.isNull());
    QCOMPARE(thumbnail.width(), DatasetModel::kThumbnailSize);
    QVERIFY(thumbnail.height() < DatasetModel::kThumbnailSize);

    // Every grid item has room for a whole thumbnail and two lines of caption, also the items whose
    // thumbnail has not arrived (the grid takes one size for all items).
    page.resize(1000, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    const int lines = page.grid()->fontMetrics().lineSpacing();
    for (int row = 0; row < shown->rowCount(); ++row) {
      const QRect item = page.grid()->visualRect(shown->index(row, 0));
      QVERIFY2(item.height() >= DatasetModel::kThumbnailSize + 2 * lines && item.width() >= DatasetModel::kThumbnailSize,
               qPrintable(QString("row %1: %2 × %3").arg(row).arg(item.width()).arg(item.height())));
    }

    // An unreadable image shows a warning icon, not a thumbnail.
    const QModelIndex corrupt = page.model()->index(rowWithPath(page.model(), "corrupt.png"));
    QVERIFY(corrupt.data(DatasetModel::ProblemsRole).toInt() & DatasetModel::Unreadable);
    QVERIFY(!corrupt.data(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(corrupt.data(Qt::ToolTipRole).toString().contains("corrupt.png"));

    // Caption edits: an existing caption file is replaced, a missing one is made, and the
    // missing-caption problem goes away without a rescan.
    QVERIFY(page.model()->setData(goodIndex, "a red square", Qt::EditRole));
    QCOMPARE(read(data + "/good2.txt").trimmed(), QByteArray("a red square"));
    const QModelIndex missing = page.model()->index(rowWithPath(page.model(), "nocaption.jpg"));
    QVERIFY(missing.data(DatasetModel::ProblemsRole).toInt() & DatasetModel::MissingCaption);
    QVERIFY(page.model()->setData(missing, "a blue circle", Qt::EditRole));
    QCOMPARE(read(data + "/nocaption.txt").trimmed(), QByteArray("a blue circle"));
    QCOMPARE(missing.data(DatasetModel::ProblemsRole).toInt() & DatasetModel::MissingCaption, 0);
    QVERIFY(page.summaryText().contains("0 without caption"));
    QCOMPARE(page.issueCount(), 2);
    for (int i = 0; i < page.issueList()->topLevelItemCount(); ++i)
      QVERIFY(!page.issueList()->topLevelItem(i)->text(1).endsWith("nocaption.jpg"));

    // The caption editor under the grid edits the selected image.
    const QModelIndex fourth = page.model()->index(rowWithPath(page.model(), "good4.png"));
    page.grid()->setCurrentIndex(page.filteredModel()->mapFromSource(fourth));
    CaptionEditor* editor = page.captionEditor();
    QCOMPARE(editor->text(), QString("a photo number 4"));
    editor->setText("two lines\nof caption");
    QVERIFY(editor->save());
    QCOMPARE(read(data + "/good4.txt"), QByteArray("two lines\nof caption\n"));
    QCOMPARE(fourth.data(Qt::EditRole).toString(), QString("two lines\nof caption"));
    // Typed but not saved, it is saved when another image is selected.
    editor->setText("changed again");
    page.grid()->setCurrentIndex(page.filteredModel()->mapFromSource(goodIndex));
    QCOMPARE(read(data + "/good4.txt"), QByteArray("changed again\n"));
    QCOMPARE(editor->text(), QString("a red square"));
    // What the scan reads back is what was written.
    page.rescan();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    QCOMPARE(page.model()->index(rowWithPath(page.model(), "nocaption.jpg")).data(Qt::EditRole).toString(),
             QString("a blue circle"));

    // Dropped images are copied in beside their captions, never over a file already there.
    QTemporaryDir elsewhere;
    write(elsewhere.filePath("new.png"), sds::testimg::noisePng(72, 72, 99));
    write(elsewhere.filePath("new.txt"), "a new image");
    write(elsewhere.filePath("good0.png"), sds::testimg::noisePng(72, 72, 98));
    const QByteArray before = read(data + "/good0.png");
    const QStringList told = closeBoxes([&] {
      QVERIFY(drop(&page, {QUrl::fromLocalFile(elsewhere.filePath("new.png")),
                           QUrl::fromLocalFile(elsewhere.filePath("good0.png"))}));
    });
    QCOMPARE(told.size(), 1);
    QVERIFY(told.first().contains("good0.png"));
    QCOMPARE(read(data + "/good0.png"), before);
    QCOMPARE(read(data + "/new.txt"), QByteArray("a new image"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 30000);
    QCOMPARE(page.sampleCount(), 7);  // the captioned one, and new.png

    // Files that are neither images, folders nor shards are named and left alone.
    write(elsewhere.filePath("notes.md"), "# notes");
    const QStringList refused =
        closeBoxes([&] { QVERIFY(drop(&page, {QUrl::fromLocalFile(elsewhere.filePath("notes.md"))})); });
    QCOMPARE(refused.size(), 1);
    QVERIFY(refused.first().contains("notes.md"));
    QVERIFY(!QFile::exists(data + "/notes.md"));
  }

  void shardPatterns() {
    using sds::widgets::shardPattern;
    QCOMPARE(shardPattern({"/d/a.tar"}), QString("/d/a.tar"));
    QCOMPARE(shardPattern({"/d/data-002.tar", "/d/data-000.tar", "/d/data-001.tar"}),
             QString("/d/data-{000..002}.tar"));
    QCOMPARE(shardPattern({"/d/part9.tar", "/d/part10.tar"}), QString("/d/{part10.tar,part9.tar}"));
    QCOMPARE(shardPattern({"/d/data-000.tar", "/d/data-002.tar"}), QString("/d/{data-000.tar,data-002.tar}"));
    QCOMPARE(shardPattern({"/d/x.tar", "/e/y.tar"}), QString());
    QCOMPARE(shardPattern({"/d/a,b.tar", "/d/c.tar"}), QString());
    const sds::widgets::DroppedFiles sorted =
        sds::widgets::sortDroppedFiles({QUrl::fromLocalFile("/d/a.TAR"), QUrl::fromLocalFile("/d/b.JPG"),
                                        QUrl("https://example.com/c.png"), QUrl::fromLocalFile("/d/c.txt")});
    QCOMPARE(sorted.shards, QStringList{"/d/a.TAR"});
    QCOMPARE(sorted.images, QStringList{"/d/b.JPG"});
    QCOMPARE(sorted.others.size(), 2);
  }

  void tarShardsShowMembersAndRefuseCaptionEdits() {
    QTemporaryDir dir;
    for (int shard = 0; shard < 2; ++shard) {
      std::vector<std::pair<std::string, std::string>> members;
      for (int i = 0; i < 3; ++i) {
        const std::string key = "s" + std::to_string(shard) + "_" + std::to_string(i);
        members.push_back({key + ".png", sds::testimg::noisePng(64, 64, std::uint32_t(shard * 10 + i))});
        members.push_back({key + ".txt", "caption " + key});
      }
      write(dir.filePath(QString("data-%1.tar").arg(shard, 3, 10, QChar('0'))), sds::testimg::tarOf(members));
    }
    sds::config::Project project;
    project.set("dataset.min_image_size", sds::config::Value(std::int64_t(32)));
    DatasetPage page;
    page.setProject(project, dir.path());
    QSignalSpy chosen(&page, &DatasetPage::datasetPathChosen);
    QSignalSpy finished(&page, &DatasetPage::scanFinished);
    QVERIFY(drop(&page, {QUrl::fromLocalFile(dir.filePath("data-001.tar")),
                         QUrl::fromLocalFile(dir.filePath("data-000.tar"))}));
    QCOMPARE(chosen.first().first().toString(), dir.filePath("data-{000..001}.tar"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QVERIFY2(page.errorText().isEmpty(), qPrintable(page.errorText()));
    QCOMPARE(page.sampleCount(), 6);
    const QModelIndex member = page.model()->index(0);
    QVERIFY(member.data(DatasetModel::PathRole).toString().contains(".tar:"));
    QVERIFY(member.data(Qt::EditRole).toString().startsWith("caption s"));
    (void)member.data(Qt::DecorationRole);
    QTRY_VERIFY(member.data(DatasetModel::ThumbnailReadyRole).toBool());

    QStringList told = closeBoxes([&] { QVERIFY(!page.model()->setData(member, "new", Qt::EditRole)); });
    QCOMPARE(told.size(), 1);
    QVERIFY(page.model()->lastError().contains("tar shard"));
    // The caption editor shows it read-only, saying why.
    page.grid()->setCurrentIndex(page.filteredModel()->mapFromSource(member));
    QVERIFY(page.captionEditor()->text().startsWith("caption s"));
    QVERIFY(!page.captionEditor()->findChild<QPushButton*>()->isEnabled());

    // Shards that are not one numbered run are listed.
    QVERIFY(QFile::rename(dir.filePath("data-001.tar"), dir.filePath("data-005.tar")));
    QVERIFY(drop(&page, {QUrl::fromLocalFile(dir.filePath("data-005.tar")),
                         QUrl::fromLocalFile(dir.filePath("data-000.tar"))}));
    QCOMPARE(chosen.last().first().toString(), dir.filePath("{data-000.tar,data-005.tar}"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    QVERIFY2(page.errorText().isEmpty(), qPrintable(page.errorText()));
    QCOMPARE(page.sampleCount(), 6);
  }

  void missingPathIsNamed() {
    QTemporaryDir dir;
    DatasetPage page;
    QSignalSpy finished(&page, &DatasetPage::scanFinished);
    page.setDatasetPath(dir.filePath("nowhere"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QVERIFY2(page.errorText().contains(dir.filePath("nowhere")), qPrintable(page.errorText()));
    QCOMPARE(page.model()->rowCount(), 0);
  }
};

QTEST_MAIN(TestDatasetPage)
#include "test_dataset_page.moc"
