// Removing and replacing folders (util/file_tree.h), as checkpoints and saved models use them.

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include "test_files.h"
#include "util/file_tree.h"

class TestFileTree : public QObject {
  Q_OBJECT

 private slots:
  void removesATreeButNotWhatLinksPointTo() {
    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath("tree/a/b")));
    QVERIFY(QDir().mkpath(dir.filePath("outside")));
    writeFile(dir.filePath("tree/a/b/f.bin"), "x");
    writeFile(dir.filePath("tree/g.txt"), "y");
    writeFile(dir.filePath("outside/keep.txt"), "z");
    QVERIFY(QFile::link(dir.filePath("outside"), dir.filePath("tree/a/link")));
    std::string error;
    QVERIFY2(sds::removeTree(dir.filePath("tree").toStdString(), &error), error.c_str());
    QVERIFY(!QFileInfo::exists(dir.filePath("tree")));
    QVERIFY(QFileInfo::exists(dir.filePath("outside/keep.txt")));
    QVERIFY(sds::removeTree(dir.filePath("never-was").toStdString()));  // nothing to do is success
  }

  void replacesAFolderOnlyWithACompleteOne() {
    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath("model/unet")));
    writeFile(dir.filePath("model/unet/old.bin"), "old");
    QVERIFY(QDir().mkpath(dir.filePath("model.partial/unet")));
    writeFile(dir.filePath("model.partial/unet/new.bin"), "new");
    sds::replaceFolder(dir.filePath("model.partial").toStdString(), dir.filePath("model").toStdString());
    QCOMPARE(readFile(dir.filePath("model/unet/new.bin")), QByteArray("new"));
    QVERIFY(!QFileInfo::exists(dir.filePath("model/unet/old.bin")));
    QVERIFY(!QFileInfo::exists(dir.filePath("model.partial")));
    QVERIFY(!QFileInfo::exists(dir.filePath("model.old")));

    // A source that is missing leaves the existing folder as it was.
    QVERIFY_EXCEPTION_THROWN(
        sds::replaceFolder(dir.filePath("missing").toStdString(), dir.filePath("model").toStdString()),
        std::runtime_error);
    QCOMPARE(readFile(dir.filePath("model/unet/new.bin")), QByteArray("new"));
  }
};

QTEST_GUILESS_MAIN(TestFileTree)
#include "test_file_tree.moc"
