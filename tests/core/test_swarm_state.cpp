// State sharing between two peers over loopback: a download checked by its hash, resumed after a
// break, restarted when the state changed, and refused when it is too large, absent or wrong.

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>

#include "swarm/peer_server.h"
#include "swarm/secure_channel.h"
#include "swarm/state_transfer.h"
#include "swarm/wire.h"
#include "util/atomic_file.h"

using namespace sds::swarm;

namespace {

const RunKey& run() {
  static const RunKey key = RunKey::fromSecret("state test run key");
  return key;
}

std::string randomFile(const QString& path, std::size_t bytes, unsigned seed) {
  std::mt19937 rng(seed);
  std::string content(bytes, '\0');
  for (char& c : content) c = static_cast<char>(rng());
  sds::writeFileAtomically(path.toStdString(), content);
  return content;
}

struct Server {
  Server() : identity(Identity::generate()), server(identity, run()), state(server) {}
  GroupMember member() const {
    GroupMember m;
    m.id = identity.id();
    m.host = "127.0.0.1";
    m.port = server.port();
    return m;
  }
  Identity identity;
  PeerServer server;
  StateServer state;
};

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace

class TestSwarmState : public QObject {
  Q_OBJECT

 private slots:
  void aStateIsDownloadedAndChecked() {
    QTemporaryDir dir;
    Server server;
    const std::string content = randomFile(dir.filePath("state.bin"), 3'500'000, 1);
    server.state.share(describeState(42, dir.filePath("state.bin").toStdString()));
    const Identity client = Identity::generate();
    std::uint64_t lastProgress = 0;
    StateDownloadOptions options;
    options.onProgress = [&](std::uint64_t done, std::uint64_t total) {
      QCOMPARE(total, std::uint64_t{3'500'000});
      lastProgress = done;
    };
    const std::string target = dir.filePath("got.bin").toStdString();
    const DownloadedState got = downloadState(server.member(), client, run(), target, options);
    QCOMPARE(got.epoch, std::uint64_t{42});
    QCOMPARE(got.size, std::uint64_t{3'500'000});
    QCOMPARE(got.resumedFrom, std::uint64_t{0});
    QCOMPARE(lastProgress, std::uint64_t{3'500'000});
    QVERIFY(sds::readFile(target) == content);
    QVERIFY(!std::filesystem::exists(target + ".part"));
  }

  void aBrokenTransferResumesWhereItStopped() {
    QTemporaryDir dir;
    Server server;
    const std::string content = randomFile(dir.filePath("state.bin"), 3'500'000, 2);
    server.state.share(describeState(7, dir.filePath("state.bin").toStdString()));
    const Identity client = Identity::generate();
    const std::string target = dir.filePath("got.bin").toStdString();
    StateDownloadOptions breaking;
    breaking.onProgress = [](std::uint64_t done, std::uint64_t) {
      if (done >= 2'000'000) throw Interrupted();
    };
    QVERIFY_THROWS_EXCEPTION(Interrupted, downloadState(server.member(), client, run(), target, breaking));
    QVERIFY(std::filesystem::exists(target + ".part"));
    QVERIFY(!std::filesystem::exists(target));
    const DownloadedState got = downloadState(server.member(), client, run(), target);
    QVERIFY2(got.resumedFrom >= 2'000'000, qPrintable(QString::number(got.resumedFrom)));
    QVERIFY(sds::readFile(target) == content);
  }

  void aChangedStateIsDownloadedAfresh() {
    QTemporaryDir dir;
    Server server;
    randomFile(dir.filePath("old.bin"), 2'500'000, 3);
    server.state.share(describeState(1, dir.filePath("old.bin").toStdString()));
    const Identity client = Identity::generate();
    const std::string target = dir.filePath("got.bin").toStdString();
    StateDownloadOptions breaking;
    breaking.onProgress = [](std::uint64_t done, std::uint64_t) {
      if (done >= 1'000'000) throw Interrupted();
    };
    QVERIFY_THROWS_EXCEPTION(Interrupted, downloadState(server.member(), client, run(), target, breaking));
    const std::string fresh = randomFile(dir.filePath("new.bin"), 2'000'000, 4);
    server.state.share(describeState(2, dir.filePath("new.bin").toStdString()));
    const DownloadedState got = downloadState(server.member(), client, run(), target);
    QCOMPARE(got.resumedFrom, std::uint64_t{0});
    QCOMPARE(got.epoch, std::uint64_t{2});
    QVERIFY(sds::readFile(target) == fresh);
  }

  void refusalsAndLimits() {
    QTemporaryDir dir;
    Server server;
    const Identity client = Identity::generate();
    const std::string target = dir.filePath("got.bin").toStdString();
    try {
      downloadState(server.member(), client, run(), target);
      QFAIL("a peer without a state served one");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("no state") != std::string::npos, e.what());
    }
    randomFile(dir.filePath("state.bin"), 100'000, 5);
    server.state.share(describeState(1, dir.filePath("state.bin").toStdString()));
    StateDownloadOptions small;
    small.maxBytes = 50'000;
    try {
      downloadState(server.member(), client, run(), target, small);
      QFAIL("a state over the limit was downloaded");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("over the limit") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, describeState(1, dir.filePath("missing.bin").toStdString()));
  }

  void aStateThatDoesNotMatchItsHashIsDiscarded() {
    // A peer that announces one hash and sends other bytes.
    QTemporaryDir dir;
    const Identity liarId = Identity::generate();
    PeerServer liar(liarId, run());
    liar.setHandler(kStateRequestMessage, [](SecureChannel& channel, const Bytes&) {
      const auto deadline = Clock::now() + std::chrono::seconds(5);
      ByteWriter info;
      info.u8(kStateInfoMessage);
      info.u64(3);
      info.u64(10);
      info.raw(hash32({"something else"}));
      info.u64(0);
      channel.send(asView(info.data()), deadline);
      ByteWriter chunk;
      chunk.u8(kStateChunkMessage);
      chunk.u64(0);
      chunk.bytes("0123456789");
      channel.send(asView(chunk.data()), deadline);
    });
    GroupMember m;
    m.id = liarId.id();
    m.host = "127.0.0.1";
    m.port = liar.port();
    const std::string target = dir.filePath("got.bin").toStdString();
    try {
      downloadState(m, Identity::generate(), run(), target);
      QFAIL("a state with a wrong hash was accepted");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("does not match its hash") != std::string::npos, e.what());
    }
    QVERIFY(!std::filesystem::exists(target));
    QVERIFY(!std::filesystem::exists(target + ".part"));
    liar.removeHandler(kStateRequestMessage);
  }
};

QTEST_GUILESS_MAIN(TestSwarmState)
#include "test_swarm_state.moc"
