// `sdtrain swarm new-key` and `sdtrain swarm bootstrap` as a user runs them: a key file only its
// owner reads, and a bootstrap node through which two peers of a run find each other.

#include <QtTest>

#include <sys/stat.h>

#include <thread>

#include "swarm/discovery.h"

using namespace sds::swarm;
using namespace std::chrono_literals;

class TestSwarmCli : public QObject {
  Q_OBJECT

 private slots:
  void newKeyWritesAPrivateKeyFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath("run.key");
    QProcess p;
    p.start(SDS_SDTRAIN, {"swarm", "new-key", "--out", path});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    struct stat st {};
    QCOMPARE(::stat(path.toLocal8Bit().constData(), &st), 0);
    QCOMPARE(static_cast<int>(st.st_mode & 0777), 0600);
    const RunKey fromFile = RunKey::fromFile(path.toStdString());  // a valid key
    QProcess print;
    print.start(SDS_SDTRAIN, {"swarm", "new-key"});
    QVERIFY(print.waitForFinished(30000));
    const QString printed = QString::fromUtf8(print.readAllStandardOutput()).trimmed();
    QVERIFY2(printed.startsWith("sdsrun-") && printed.size() == 55, qPrintable(printed));
    QVERIFY(toHex(RunKey::fromSecret(printed.toStdString()).dhtKey()) != toHex(fromFile.dhtKey()));
  }

  void peersFindEachOtherThroughABootstrapNode() {
    QProcess node;
    node.start(SDS_SDTRAIN, {"swarm", "bootstrap", "--port", "0"});
    QVERIFY(node.waitForReadyRead(30000));
    const QString banner = QString::fromUtf8(node.readLine());
    const QRegularExpressionMatch m = QRegularExpression("UDP port (\\d+)").match(banner);
    QVERIFY2(m.hasMatch(), qPrintable(banner));
    const std::string address = "127.0.0.1:" + m.captured(1).toStdString();

    const RunKey run = RunKey::fromSecret("a run through the bootstrap node");
    const Identity a = Identity::generate(), b = Identity::generate();
    DiscoveryOptions options;
    options.bootstrap = {address};
    options.perAddressRequestLimit = -1;
    Discovery da(a, run, options), db(b, run, options);
    PeerRecord record;
    record.host = "127.0.0.1";
    record.port = 5000;
    da.publish(record);
    record.port = 5001;
    db.publish(record);
    std::size_t seen = 0;
    for (const auto until = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < until && seen < 2;) {
      seen = db.peers(1s).size();
    }
    QCOMPARE(seen, std::size_t{2});

    node.terminate();  // SIGTERM: a clean stop
    QVERIFY(node.waitForFinished(10000));
    QCOMPARE(node.exitStatus(), QProcess::NormalExit);
    QCOMPARE(node.exitCode(), 0);
  }

  void badBootstrapArgumentsAreUsageErrors() {
    QProcess p;
    p.start(SDS_SDTRAIN, {"swarm", "bootstrap", "--port", "0", "--peer", "nowhere"});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("nowhere"));
  }
};

QTEST_GUILESS_MAIN(TestSwarmCli)
#include "test_swarm_cli.moc"
