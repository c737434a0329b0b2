// The relay for peers that cannot accept connections (swarm/relay_server.h, relay_client.h): a
// secure channel through it works end to end and still needs the run key; what it carries is
// bounded per peer; a full relay says so; a registration ends with the relay; and something that is
// no relay is told apart quickly.

#include <QtTest>

#include <atomic>
#include <thread>

#include "swarm/identity.h"
#include "swarm/peer_server.h"
#include "swarm/relay_client.h"
#include "swarm/relay_protocol.h"
#include "swarm/relay_server.h"
#include "swarm/run_key.h"
#include "swarm/secure_channel.h"

using namespace sds::swarm;
using namespace std::chrono_literals;

namespace {

RelayOptions loopbackRelay() {
  RelayOptions options;
  options.listenHost = "127.0.0.1";
  return options;
}

Deadline in(std::chrono::milliseconds ms) { return Clock::now() + ms; }

}  // namespace

class TestSwarmRelay : public QObject {
  Q_OBJECT

 private slots:
  void relayLinesAreReadStrictly() {
    using Kind = relay::Line::Kind;
    const std::string token = "00112233445566778899aabbccddeeff";
    QCOMPARE(relay::parseLine("SDS-RELAY/1 REGISTER").kind, Kind::Register);
    QCOMPARE(relay::parseLine("SDS-RELAY/1 ACCEPT " + token).token, token);
    QCOMPARE(relay::parseLine("CONNECT " + token).kind, Kind::Connect);
    QCOMPARE(relay::parseLine("OK 40123").port, std::uint16_t(40123));
    // What a relay never sends is nothing to act on: no port 0, 65536, leading zeros or trailing bytes,
    // no token of another length or case.
    for (const char* line : {"OK 0", "OK 65536", "OK 080", "OK 80x", "OK ", "OK 99999999999999999999",
                             "CONNECT 0011", "CONNECT 00112233445566778899AABBCCDDEEFF", "SDS-RELAY/1 ACCEPT ", "ping"})
      QCOMPARE(relay::parseLine(line).kind, Kind::Unknown);

    relay::LineBuffer lines;
    const std::string bytes = "PING\nOK 1";
    lines.append(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    QCOMPARE(*lines.take(), std::string("PING"));
    QVERIFY(!lines.take());  // "OK 1" is not complete yet
    const std::string longLine(relay::kMaxLine + 1, 'x');
    lines.append(reinterpret_cast<const std::uint8_t*>(longLine.data()), longLine.size());
    QVERIFY_THROWS_EXCEPTION(ChannelError, lines.take());
  }

  void aSecureChannelRunsEndToEndThroughTheRelay() {
    RelayServer relay(0, loopbackRelay());
    const RunKey run = RunKey::fromSecret("sdsrun-relay-test-run");
    const Identity behind = Identity::generate(), outside = Identity::generate();
    PeerServerOptions serverOptions;
    PeerServer server(behind, run, serverOptions);
    server.setHandler(42, [](SecureChannel& channel, const Bytes& first) {
      channel.send(std::string(first.begin() + 1, first.end()) + " back", in(5s));
    });
    RelayClient registration("127.0.0.1", relay.port(),
                             [&server](TcpStream stream) { server.adopt(std::move(stream)); });
    QVERIFY(registration.relayedPort() != relay.port());
    server.setPublicPort(registration.relayedPort());
    QCOMPARE(server.publicPort(), registration.relayedPort());
    QTRY_COMPARE(relay.registeredPeers(), std::size_t(1));

    for (int i = 0; i < 3; ++i) {  // one connection after another, each spliced anew
      auto channel = SecureChannel::connect("127.0.0.1", registration.relayedPort(), outside, run, in(5s), behind.id());
      const std::string message = "\x2a" "hello " + std::to_string(i);
      channel->send(message, in(5s));
      const Bytes answer = channel->receive(1000, in(5s));
      QCOMPARE(std::string(answer.begin(), answer.end()), "hello " + std::to_string(i) + " back");
    }
    QVERIFY(relay.bytesForwarded() > 3 * 64);  // handshakes and messages went through it

    // The relay forwards; it does not vouch: a peer of another run fails the handshake.
    const RunKey other = RunKey::fromSecret("sdsrun-another-relayed-run");
    try {
      SecureChannel::connect("127.0.0.1", registration.relayedPort(), outside, other, in(5s));
      QFAIL("a channel of another run opened through the relay");
    } catch (const ChannelError& e) {
      QVERIFY2(e.kind() == ChannelError::Kind::Authentication || e.kind() == ChannelError::Kind::Closed, e.what());
    }
  }

  void whatARelayCarriesIsBoundedPerPeer() {
    RelayOptions options = loopbackRelay();
    options.bytesPerSecond = 1e6;
    RelayServer relay(0, options);
    std::atomic<std::size_t> received{0};
    std::thread reader;
    RelayClient registration("127.0.0.1", relay.port(), [&](TcpStream stream) {
      reader = std::thread([&received, s = std::move(stream)]() mutable {
        std::uint8_t buffer[65536];
        try {
          while (std::size_t n = s.readSome(buffer, sizeof buffer, in(20s))) received += n;
        } catch (const std::exception&) {
        }
      });
    });
    TcpStream sender = TcpStream::connect("127.0.0.1", registration.relayedPort(), in(5s));
    const std::vector<std::uint8_t> data(3'000'000, 7);
    const auto start = Clock::now();
    sender.writeAll(data.data(), data.size(), in(30s));
    QTRY_COMPARE_WITH_TIMEOUT(received.load(), data.size(), 30000);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // 3 MB at 1 MB/s after a burst of a quarter of a second: at least 2.75 s (a lower bound only).
    QVERIFY2(seconds >= 2.5, qPrintable(QString("3 MB took %1 s").arg(seconds)));
    sender.close();
    reader.join();
  }

  void aFullRelaySaysSoAndARegistrationEndsWithItsRelay() {
    RelayOptions options = loopbackRelay();
    options.maxPeers = 1;
    auto relay = std::make_unique<RelayServer>(0, options);
    RelayClient first("127.0.0.1", relay->port(), [](TcpStream) {});
    QTRY_COMPARE(relay->registeredPeers(), std::size_t(1));
    try {
      RelayClient second("127.0.0.1", relay->port(), [](TcpStream) {});
      QFAIL("a full relay registered another peer");
    } catch (const std::runtime_error& e) {
      QVERIFY2(std::string(e.what()).find("full") != std::string::npos, e.what());
    }
    QVERIFY(first.alive());
    relay.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!first.alive(), 5000);
  }

  void somethingThatIsNoRelayIsToldApartQuickly() {
    // A peer's own server speaks the channel handshake, not the relay's lines: it closes on us.
    const RunKey run = RunKey::fromSecret("sdsrun-relay-test-run");
    const Identity identity = Identity::generate();
    PeerServer server(identity, run, PeerServerOptions{});
    const auto start = Clock::now();
    QVERIFY_THROWS_EXCEPTION(ChannelError, RelayClient("127.0.0.1", server.port(), [](TcpStream) {}, 2s));
    QVERIFY(Clock::now() - start < 3s);
    // And nothing listens (a port that was free a moment ago): refused.
    std::uint16_t port = 0;
    {
      TcpListener gone("127.0.0.1", 0);
      port = gone.port();
    }
    QVERIFY_THROWS_EXCEPTION(ChannelError, RelayClient("127.0.0.1", port, [](TcpStream) {}, 1s));
  }
};

QTEST_GUILESS_MAIN(TestSwarmRelay)
#include "test_swarm_relay.moc"
