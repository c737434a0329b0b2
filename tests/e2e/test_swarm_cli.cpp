// `sdtrain swarm new-key`, `bootstrap` and `serve-data` as a user runs them: a key file only its
// owner reads, a bootstrap node through which two peers of a run find each other, and a served
// dataset a peer trains on.

#include <QtTest>

#include <sys/stat.h>

#include <thread>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "data/shapes_dataset.h"
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

  // A dataset served in chunks of 8 to a peer training 3 steps of 4: its first chunk (two steps)
  // comes back trained, its second stays leased when the run ends; a peer with another key is refused.
  void aPeerTrainsOnAServedDataset() {
    QTemporaryDir dir;
    sds::data::ShapesOptions shapes;
    shapes.folder = dir.filePath("data").toStdString();
    shapes.count = 16;
    shapes.size = 64;
    sds::data::generateShapesDataset(shapes);
    QProcess server;
    server.setWorkingDirectory(dir.path());
    server.start(SDS_SDTRAIN, {"swarm", "serve-data", "data", "--run-key", "sdsrun-a-served-dataset-run", "--port",
                               "0", "--address", "127.0.0.1", "--chunk-size", "8", "--state", "served.json"});
    QString banner;
    for (int i = 0; i < 100 && !banner.contains("serving"); ++i)
      if (server.waitForReadyRead(300)) banner += QString::fromUtf8(server.readAllStandardOutput());
    const QRegularExpressionMatch m = QRegularExpression("in 2 chunks of up to 8 on 127\\.0\\.0\\.1:(\\d+)").match(banner);
    QVERIFY2(m.hasMatch(), qPrintable(banner + server.readAllStandardError()));

    auto project = [&](const QString& key) {
      return QString(R"([model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = 3
batch_size = 4
device = "cpu"
precision = "fp32"
[dataset]
path = "%1"
min_image_size = 32
workers = 1
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[sampling]
every_n_steps = 0
[output]
directory = "out"
tensorboard = false
[swarm]
run_key = "%2"
)")
          .arg("http://127.0.0.1:" + m.captured(1), key)
          .toUtf8();
    };
    QFile file(dir.filePath("peer.toml"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(project("sdsrun-a-served-dataset-run"));
    file.close();
    QProcess peer;
    peer.setWorkingDirectory(dir.path());
    peer.start(SDS_SDTRAIN, {"train", "peer.toml"});
    QVERIFY(peer.waitForFinished(300000));
    const QString said = QString::fromUtf8(peer.readAllStandardOutput() + peer.readAllStandardError());
    QVERIFY2(peer.exitCode() == 0, qPrintable(said));
    QVERIFY2(said.contains("served chunk 0 of 2") && said.contains("served chunk 1 of 2"), qPrintable(said));
    QVERIFY(QFile::exists(dir.filePath("out/served-data/epoch-1.tar")));  // the chunk still leased

    QFile state(dir.filePath("served.json"));
    QVERIFY(state.open(QIODevice::ReadOnly));
    const QJsonObject s = QJsonDocument::fromJson(state.readAll()).object();
    QCOMPARE(s["chunks"].toArray()[0].toObject()["completions"].toInt(), 1);
    QCOMPARE(s["chunks"].toArray()[1].toObject()["completions"].toInt(), 0);
    QCOMPARE(s["leases"].toArray().size(), 1);
    QCOMPARE(s["leases"].toArray()[0].toObject()["chunk"].toInt(), 1);

    file.open(QIODevice::WriteOnly);
    file.write(project("sdsrun-not-the-served-run"));
    file.close();
    QProcess stranger;
    stranger.setWorkingDirectory(dir.path());
    stranger.start(SDS_SDTRAIN, {"train", "peer.toml", "--output", "out-stranger"});
    QVERIFY(stranger.waitForFinished(300000));
    const QString refused = QString::fromUtf8(stranger.readAllStandardOutput() + stranger.readAllStandardError());
    QVERIFY2(stranger.exitCode() != 0 && refused.contains("refused the run key"), qPrintable(refused));

    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    QCOMPARE(server.exitCode(), 0);
    QVERIFY(QString::fromUtf8(server.readAllStandardOutput()).contains("dataset server stopped"));
  }
};

QTEST_GUILESS_MAIN(TestSwarmCli)
#include "test_swarm_cli.moc"
