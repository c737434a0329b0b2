// The swarm's identities, run keys, DHT records and encrypted channels: what a peer without the run
// key, a tampering relay, a replayed record or an oversized message gets (nothing, and no crash).

#include <QtTest>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "swarm/peer_record.h"
#include "swarm/peer_server.h"
#include "swarm/secure_channel.h"
#include "swarm/wire.h"
#include "util/atomic_file.h"

using namespace sds::swarm;
using namespace std::chrono_literals;

namespace {

const RunKey& runA() {
  static const RunKey key = RunKey::fromSecret("correct horse battery staple");
  return key;
}
const RunKey& runB() {
  static const RunKey key = RunKey::fromSecret("another run entirely");
  return key;
}

PeerRecord recordOf(const Identity& who, std::uint64_t sequence, std::uint64_t now) {
  PeerRecord r;
  r.peer = who.id();
  r.sequence = sequence;
  r.issuedAtMs = now;
  r.lifetimeS = 60;
  r.host = "127.0.0.1";
  r.port = 4242;
  r.epoch = 17;
  r.samples = 96;
  r.samplesPerSecond = 12.5f;
  r.settings = "method=full;optimizer=adamw;precision=bf16;swarm_mode=sync;target_batch_size=96";
  return r;
}

std::string view(const Bytes& b) { return std::string(asView(b)); }

// A connection accepted on `listener` and handshaken in a thread, while the caller connects.
struct AcceptedChannel {
  std::unique_ptr<SecureChannel> channel;
  std::string error;
};

std::thread acceptIn(TcpListener& listener, const Identity& self, const RunKey& run, AcceptedChannel& out) {
  return std::thread([&listener, &self, &run, &out] {
    try {
      auto stream = listener.accept(5000ms);
      if (!stream) throw std::runtime_error("nothing connected");
      out.channel = SecureChannel::accept(std::move(*stream), self, run, Clock::now() + 5s);
    } catch (const std::exception& e) {
      out.error = e.what();
    }
  });
}

// Both ends of a channel between two fresh peers of run A.
struct ChannelPair {
  Identity serverId = Identity::generate();
  Identity clientId = Identity::generate();
  std::unique_ptr<SecureChannel> client;
  AcceptedChannel server;
};

std::unique_ptr<ChannelPair> connectedPair() {
  auto pair = std::make_unique<ChannelPair>();
  TcpListener listener("127.0.0.1", 0);
  std::thread t = acceptIn(listener, pair->serverId, runA(), pair->server);
  pair->client = SecureChannel::connect("127.0.0.1", listener.port(), pair->clientId, runA(), Clock::now() + 5s,
                                        pair->serverId.id());
  t.join();
  return pair;
}

// Forwards bytes between a client and a server, flipping one byte of the server's stream at
// `flipAt` (counted from the first byte the server sends).
class TamperingRelay {
 public:
  TamperingRelay(std::uint16_t serverPort, std::size_t flipAt) : listener_("127.0.0.1", 0) {
    thread_ = std::thread([this, serverPort, flipAt] {
      auto client = listener_.accept(5000ms);
      if (!client) return;
      TcpStream server = TcpStream::connect("127.0.0.1", serverPort, Clock::now() + 5s);
      std::thread up([&] { pump(*client, server, SIZE_MAX); });
      pump(server, *client, flipAt);
      up.join();
    });
  }
  ~TamperingRelay() { thread_.join(); }
  std::uint16_t port() const { return listener_.port(); }

 private:
  static void pump(TcpStream& from, TcpStream& to, std::size_t flipAt) {
    try {
      for (std::size_t i = 0;; ++i) {
        std::uint8_t byte;
        from.readExact(&byte, 1, Clock::now() + 3s);
        if (i == flipAt) byte ^= 0x20;
        to.writeAll(&byte, 1, Clock::now() + 3s);
      }
    } catch (const std::exception&) {
      to.shutdown();  // the other pump reads from it: wake it, close nothing under it
    }
  }
  TcpListener listener_;
  std::thread thread_;
};

}  // namespace

class TestSwarmSecurity : public QObject {
  Q_OBJECT

 private slots:
  void runKeysDeriveTheSameKeysFromTheSameSecret() {
    const RunKey again = RunKey::fromSecret("correct horse battery staple");
    QCOMPARE(toHex(again.dhtKey()), toHex(runA().dhtKey()));
    QCOMPARE(toHex(again.channelKey()), toHex(runA().channelKey()));
    QVERIFY(toHex(runA().dhtKey()) != toHex(runB().dhtKey()));
    QVERIFY(toHex(runA().recordKey()) != toHex(runA().channelKey()));
    QVERIFY(toHex(runA().dhtKey()) != toHex(runA().recordKey()));
  }

  void runKeysRefuseShortSecretsAndNameTheFile() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RunKey::fromSecret("short"));
    QTemporaryDir dir;
    const std::string path = dir.filePath("run.key").toStdString();
    std::ofstream(path) << "  correct horse battery staple\n";
    QCOMPARE(toHex(RunKey::fromFile(path).dhtKey()), toHex(runA().dhtKey()));
    std::ofstream(path) << "abc\n";
    try {
      RunKey::fromFile(path);
      QFAIL("a 3-character key file was accepted");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
    }
    try {
      RunKey::fromFile(dir.filePath("missing.key").toStdString());
      QFAIL("a missing key file was accepted");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("missing.key") != std::string::npos, e.what());
    }
    const std::string generated = RunKey::generateSecret();
    QVERIFY(generated.size() >= 40);
    QVERIFY(generated != RunKey::generateSecret());
  }

  void identityIsKeptInAPrivateFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("identity").toStdString();
    const Identity first = Identity::loadOrCreate(path);
    struct stat st {};
    QCOMPARE(::stat(path.c_str(), &st), 0);
    QCOMPARE(static_cast<int>(st.st_mode & 0777), 0600);
    const Identity again = Identity::loadOrCreate(path);
    QCOMPARE(toHex(again.id()), toHex(first.id()));
    const Signature s = again.sign("hello");
    QVERIFY(verifySignature(first.id(), "hello", s));
    QVERIFY(!verifySignature(first.id(), "hellp", s));

    std::string content = sds::readFile(path);
    content[content.size() - 40] ^= 1;  // inside the public half of the secret key
    std::ofstream(path, std::ios::binary) << content;
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, Identity::loadOrCreate(path));
    std::ofstream(path, std::ios::binary) << "not a key";
    try {
      Identity::loadOrCreate(path);
      QFAIL("a damaged identity file was accepted");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
    }
    QCOMPARE(sds::readFile(path), std::string("not a key"));  // never overwritten
  }

  void byteReaderRefusesTruncationAndOversizedFields() {
    ByteWriter w;
    w.u32(7);
    w.bytes("abc");
    ByteReader r(w.data());
    QCOMPARE(r.u32("n"), 7u);
    QVERIFY_THROWS_EXCEPTION(WireError, r.bytes(2, "name"));  // 3 bytes, limit 2
    ByteReader truncated(std::string_view("\x05\x00\x00\x00" "ab", 6));
    QVERIFY_THROWS_EXCEPTION(WireError, truncated.bytes(100, "name"));
    ByteReader huge(std::string_view("\xff\xff\xff\xff", 4));
    QVERIFY_THROWS_EXCEPTION(WireError, huge.bytes(SIZE_MAX, "name"));
  }

  void recordsRoundTripUnderTheirRun() {
    const Identity peer = Identity::generate();
    const std::uint64_t now = unixTimeMs();
    const Bytes sealed = sealRecord(recordOf(peer, 1, now), peer, runA());
    const OpenedRecord opened = openRecord(view(sealed), runA(), now + 1000);
    QVERIFY2(opened.record.has_value(), opened.rejection.c_str());
    QCOMPARE(toHex(opened.record->peer), toHex(peer.id()));
    QCOMPARE(opened.record->host, std::string("127.0.0.1"));
    QCOMPARE(opened.record->port, std::uint16_t{4242});
    QCOMPARE(opened.record->epoch, std::uint64_t{17});
    QCOMPARE(opened.record->samples, std::uint64_t{96});
    QCOMPARE(opened.record->samplesPerSecond, 12.5f);
    QCOMPARE(opened.record->settings, recordOf(peer, 1, now).settings);
    // Settings longer than a record may carry are refused when sealing, not cut.
    PeerRecord tooLong = recordOf(peer, 2, now);
    tooLong.settings = std::string(kMaxSettingsBytes + 1, 'x');
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sealRecord(tooLong, peer, runA()));
  }

  void recordsOfAnotherRunAreDropped() {
    const Identity peer = Identity::generate();
    const std::uint64_t now = unixTimeMs();
    const OpenedRecord opened = openRecord(view(sealRecord(recordOf(peer, 1, now), peer, runB())), runA(), now);
    QVERIFY(!opened.record);
    QVERIFY2(opened.rejection.find("not authenticated") != std::string::npos, opened.rejection.c_str());
  }

  void everyTamperedByteIsDetected() {
    const Identity peer = Identity::generate();
    const std::uint64_t now = unixTimeMs();
    const std::string sealed = view(sealRecord(recordOf(peer, 1, now), peer, runA()));
    for (std::size_t i = 0; i < sealed.size(); ++i) {
      std::string tampered = sealed;
      tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
      QVERIFY2(!openRecord(tampered, runA(), now).record, qPrintable(QString("byte %1").arg(i)));
    }
    QVERIFY(!openRecord(sealed.substr(0, sealed.size() - 1), runA(), now).record);
    QVERIFY(!openRecord(std::string(), runA(), now).record);
    QVERIFY(!openRecord(std::string(5000, 'x'), runA(), now).record);
  }

  void aMemberOfTheRunCannotSpeakForAnotherPeer() {
    // An insider knows the run key (so it can compute MACs) but not the victim's secret key.
    const Identity victim = Identity::generate();
    const Identity insider = Identity::generate();
    const std::uint64_t now = unixTimeMs();
    Bytes forged = sealRecord(recordOf(insider, 1, now), insider, runA());
    std::copy(victim.id().begin(), victim.id().end(), forged.begin() + 5);  // claim to be the victim
    const Key32 mac = hash32({asView(forged.data(), forged.size() - 32)}, &runA().recordKey());
    std::copy(mac.begin(), mac.end(), forged.end() - 32);
    const OpenedRecord opened = openRecord(view(forged), runA(), now);
    QVERIFY(!opened.record);
    QVERIFY2(opened.rejection.find("signature") != std::string::npos, opened.rejection.c_str());
  }

  void staleFutureAndReplayedRecordsAreDropped() {
    const Identity peer = Identity::generate();
    const std::uint64_t now = unixTimeMs();
    const std::string sealed = view(sealRecord(recordOf(peer, 5, now), peer, runA()));
    QVERIFY(!openRecord(sealed, runA(), now + 61'000).record);           // expired after 60 s
    QVERIFY(!openRecord(sealed, runA(), now - 120'000).record);          // issued 2 minutes ahead
    ReplayFilter filter;
    const PeerRecord fresh = *openRecord(sealed, runA(), now).record;
    QVERIFY(filter.accept(fresh));
    QVERIFY(!filter.accept(fresh));  // the same record again
    PeerRecord older = fresh;
    older.sequence = 4;
    QVERIFY(!filter.accept(older));
    PeerRecord newer = fresh;
    newer.sequence = 6;
    QVERIFY(filter.accept(newer));
  }

  void channelsCarryMessagesBetweenAuthenticatedPeers() {
    const auto pair = connectedPair();
    QVERIFY2(pair->server.channel, pair->server.error.c_str());
    SecureChannel& client = *pair->client;
    SecureChannel& server = *pair->server.channel;
    QCOMPARE(toHex(client.peer()), toHex(pair->serverId.id()));
    QCOMPARE(toHex(server.peer()), toHex(pair->clientId.id()));
    client.send("first", Clock::now() + 2s);
    client.send(std::string(300'000, 'z'), Clock::now() + 2s);
    QCOMPARE(std::string(asView(server.receive(100, Clock::now() + 2s))), std::string("first"));
    QCOMPARE(server.receive(1'000'000, Clock::now() + 2s).size(), std::size_t{300'000});
    server.send("back", Clock::now() + 2s);
    QCOMPARE(std::string(asView(client.receive(100, Clock::now() + 2s))), std::string("back"));
  }

  void aPeerWithoutTheRunKeyIsRefusedAtTheHandshake() {
    const Identity server = Identity::generate();
    const Identity stranger = Identity::generate();
    TcpListener listener("127.0.0.1", 0);
    AcceptedChannel accepted;
    std::thread t = acceptIn(listener, server, runA(), accepted);
    try {
      SecureChannel::connect("127.0.0.1", listener.port(), stranger, runB(), Clock::now() + 5s);
      QFAIL("a peer of another run completed the handshake");
    } catch (const ChannelError&) {
    }
    t.join();
    QVERIFY(!accepted.channel);
    QVERIFY2(accepted.error.find("does not know this run's key") != std::string::npos, accepted.error.c_str());
  }

  void theExpectedPeerMustBeTheOneThatAnswers() {
    const Identity server = Identity::generate();
    const Identity client = Identity::generate();
    const Identity someoneElse = Identity::generate();
    TcpListener listener("127.0.0.1", 0);
    AcceptedChannel accepted;
    std::thread t = acceptIn(listener, server, runA(), accepted);
    try {
      SecureChannel::connect("127.0.0.1", listener.port(), client, runA(), Clock::now() + 5s, someoneElse.id());
      QFAIL("connected to the wrong peer");
    } catch (const ChannelError& e) {
      QCOMPARE(e.kind(), ChannelError::Kind::Authentication);
    }
    t.join();
  }

  void garbageAndSilenceCostOnlyTheDeadline() {
    const Identity server = Identity::generate();
    TcpListener listener("127.0.0.1", 0);
    AcceptedChannel accepted;
    std::thread t = acceptIn(listener, server, runA(), accepted);
    TcpStream raw = TcpStream::connect("127.0.0.1", listener.port(), Clock::now() + 2s);
    const std::string garbage(102, 'G');
    raw.writeAll(reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size(), Clock::now() + 2s);
    t.join();
    QVERIFY(!accepted.channel);
    QVERIFY2(accepted.error.find("not a swarm peer") != std::string::npos, accepted.error.c_str());

    AcceptedChannel silent;
    std::thread t2([&] {
      auto stream = listener.accept(5000ms);
      try {
        SecureChannel::accept(std::move(*stream), server, runA(), Clock::now() + 300ms);
      } catch (const ChannelError& e) {
        silent.error = e.what();
      }
    });
    const auto started = Clock::now();
    TcpStream quiet = TcpStream::connect("127.0.0.1", listener.port(), Clock::now() + 2s);
    t2.join();
    QVERIFY2(silent.error.find("timed out") != std::string::npos, silent.error.c_str());
    QVERIFY(Clock::now() - started < 3s);
  }

  // swarm.max_connections: connections beyond the limit are closed at once, and served again once
  // one of the open ones has ended.
  void connectionsBeyondTheLimitAreTurnedAway() {
    const Identity server = Identity::generate();
    const Identity client = Identity::generate();
    PeerServerOptions options;
    options.listenHost = "127.0.0.1";
    options.maxConnections = 2;
    options.handshakeTimeout = 20s;
    PeerServer peer(server, runA(), options);
    std::optional<TcpStream> first = TcpStream::connect("127.0.0.1", peer.port(), Clock::now() + 2s);
    TcpStream second = TcpStream::connect("127.0.0.1", peer.port(), Clock::now() + 2s);
    std::this_thread::sleep_for(300ms);  // both taken in
    const auto started = Clock::now();
    QVERIFY_THROWS_EXCEPTION(ChannelError, SecureChannel::connect("127.0.0.1", peer.port(), client, runA(),
                                                                  Clock::now() + 5s, server.id()));
    QVERIFY(Clock::now() - started < 2s);  // closed, not left waiting
    first.reset();
    std::this_thread::sleep_for(300ms);
    const std::unique_ptr<SecureChannel> channel =
        SecureChannel::connect("127.0.0.1", peer.port(), client, runA(), Clock::now() + 5s, server.id());
    QVERIFY(channel->peer() == server.id());
  }

  void oversizedMessagesAreRefusedBeforeTheyAreRead() {
    const auto pair = connectedPair();
    QVERIFY2(pair->server.channel, pair->server.error.c_str());
    pair->client->send(std::string(1000, 'x'), Clock::now() + 2s);
    try {
      pair->server.channel->receive(999, Clock::now() + 2s);
      QFAIL("an oversized message was accepted");
    } catch (const ChannelError& e) {
      QCOMPARE(e.kind(), ChannelError::Kind::Protocol);
      QVERIFY2(std::string(e.what()).find("limit") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pair->client->send(std::string(SecureChannel::kMaxMessageBytes + 1, 'y'), Clock::now() + 2s));
  }

  void aRelayThatTampersIsDetected() {
    const Identity server = Identity::generate();
    const Identity client = Identity::generate();
    TcpListener listener("127.0.0.1", 0);
    AcceptedChannel accepted;
    std::thread t = acceptIn(listener, server, runA(), accepted);
    // The server's hello is 102 bytes, its stream header 24, its identity proof 4 + 64 + 17: flip a
    // byte of the first message after those.
    const std::size_t firstMessage = 102 + 24 + 4 + 64 + 17;
    std::unique_ptr<SecureChannel> channel;
    {
      TamperingRelay relay(listener.port(), firstMessage + 4 + 3);
      channel = SecureChannel::connect("127.0.0.1", relay.port(), client, runA(), Clock::now() + 5s, server.id());
      t.join();
      QVERIFY2(accepted.channel, accepted.error.c_str());
      accepted.channel->send("pay 10 coins", Clock::now() + 2s);
      try {
        channel->receive(100, Clock::now() + 2s);
        QFAIL("a tampered message was accepted");
      } catch (const ChannelError& e) {
        QCOMPARE(e.kind(), ChannelError::Kind::Authentication);
      }
      accepted.channel->close();
      channel->close();
    }
  }
};

QTEST_GUILESS_MAIN(TestSwarmSecurity)
#include "test_swarm_security.moc"
