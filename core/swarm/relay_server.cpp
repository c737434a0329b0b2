#include "swarm/relay_server.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "swarm/crypto.h"
#include "swarm/relay_protocol.h"
#include "util/log.h"

namespace sds::swarm {

namespace {

// Bytes per second shared by everything relayed for one peer; a burst of a quarter second.
class TokenBucket {
 public:
  explicit TokenBucket(double rate) : rate_(rate), capacity_(std::max(rate / 4, 65536.0)), tokens_(capacity_) {}
  void take(std::size_t n, const std::atomic<bool>& stop) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      refill();
      if (tokens_ >= static_cast<double>(n) || stop) break;
      const double wait = (static_cast<double>(n) - tokens_) / rate_;
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::duration<double>(std::min(wait, 0.05)));
      lock.lock();
    }
    tokens_ -= static_cast<double>(n);
  }

 private:
  void refill() {
    const auto now = Clock::now();
    tokens_ = std::min(capacity_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  double rate_, capacity_, tokens_;
  Clock::time_point last_ = Clock::now();
  std::mutex mutex_;
};

struct Registered {
  explicit Registered(double rate) : bucket(rate) {}
  TokenBucket bucket;
  std::atomic<std::size_t> connections{0};
};

struct Pending {
  std::shared_ptr<TcpStream> stream;
  std::shared_ptr<Registered> peer;
  Clock::time_point since;
};

}  // namespace

struct RelayServer::Impl {
  RelayOptions options;
  std::unique_ptr<TcpListener> listener;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> registered{0};
  std::atomic<std::uint64_t> forwarded{0};
  std::thread acceptThread;

  std::mutex mutex;  // guards what follows
  std::map<std::string, Pending> pending;
  std::set<std::shared_ptr<TcpStream>> open;  // shut down on stop
  std::vector<std::pair<std::thread, std::shared_ptr<std::atomic<bool>>>> threads;

  std::shared_ptr<TcpStream> track(TcpStream stream) {
    auto shared = std::make_shared<TcpStream>(std::move(stream));
    std::lock_guard<std::mutex> lock(mutex);
    open.insert(shared);
    return shared;
  }
  void untrack(const std::shared_ptr<TcpStream>& stream) {
    std::lock_guard<std::mutex> lock(mutex);
    open.erase(stream);
  }
  void spawn(std::function<void()> work) {
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = threads.begin(); it != threads.end();)
      if (*it->second) {
        it->first.join();
        it = threads.erase(it);
      } else {
        ++it;
      }
    threads.emplace_back(std::thread([work = std::move(work), done] {
                           work();
                           *done = true;
                         }),
                         done);
  }

  void acceptLoop() {
    while (!stopping) {
      std::optional<TcpStream> stream = listener->accept(std::chrono::milliseconds(100));
      if (!stream) continue;
      std::shared_ptr<TcpStream> s = track(std::move(*stream));
      spawn([this, s] {
        try {
          firstLine(s);
        } catch (const std::exception& e) {
          log::debug(std::string("relay: ") + e.what());
        }
        s->shutdown();
        untrack(s);
      });
    }
  }

  void firstLine(const std::shared_ptr<TcpStream>& s) {
    relay::LineReader lines(*s);
    const std::optional<std::string> line = lines.next(Clock::now() + std::chrono::seconds(5));
    if (!line) return;
    const relay::Line request = relay::parseLine(*line);
    if (request.kind == relay::Line::Kind::Register) return serveRegistered(s, lines);
    if (request.kind != relay::Line::Kind::Accept) return;  // not ours: a port scan, another protocol
    Pending p;
    {
      std::lock_guard<std::mutex> lock(mutex);
      const auto it = pending.find(request.token);
      if (it == pending.end()) return;
      p = std::move(it->second);
      pending.erase(it);
    }
    splice(p.stream, s, *p.peer);
    --p.peer->connections;
    untrack(p.stream);
  }

  // A registered peer's life: its port, and a CONNECT for everyone who connects there.
  void serveRegistered(const std::shared_ptr<TcpStream>& control, relay::LineReader& lines) {
    if (registered >= options.maxPeers) {
      relay::writeLine(*control, "FULL", Clock::now() + std::chrono::seconds(5));
      return;
    }
    ++registered;
    auto peer = std::make_shared<Registered>(options.bytesPerSecond);
    try {
      TcpListener port(options.listenHost, 0);
      relay::writeLine(*control, "OK " + std::to_string(port.port()), Clock::now() + std::chrono::seconds(5));
      log::info("relay: " + control->remoteAddress() + " relayed at port " + std::to_string(port.port()));
      auto lastPing = Clock::now();
      while (!stopping) {
        if (std::optional<TcpStream> incoming = port.accept(std::chrono::milliseconds(100))) {
          if (peer->connections >= options.maxConnectionsPerPeer) continue;  // closed as it goes
          ++peer->connections;
          const std::string token = toHex(randomBytes(relay::kTokenBytes).data(), relay::kTokenBytes);
          std::shared_ptr<TcpStream> waiting = track(std::move(*incoming));
          {
            std::lock_guard<std::mutex> lock(mutex);
            pending[token] = Pending{waiting, peer, Clock::now()};
          }
          relay::writeLine(*control, "CONNECT " + token, Clock::now() + std::chrono::seconds(5));
        }
        if (Clock::now() - lastPing > std::chrono::seconds(20)) {
          relay::writeLine(*control, "PING", Clock::now() + std::chrono::seconds(5));
          lastPing = Clock::now();
        }
        lines.next(Clock::now() + std::chrono::milliseconds(1));  // throws once the peer is gone
        dropExpired();
      }
    } catch (const std::exception& e) {
      log::info("relay: " + control->remoteAddress() + " is no longer relayed: " + e.what());
    }
    --registered;
  }

  void dropExpired() {
    std::vector<Pending> expired;
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (auto it = pending.begin(); it != pending.end();)
        if (Clock::now() - it->second.since > options.acceptTimeout) {
          expired.push_back(std::move(it->second));
          it = pending.erase(it);
        } else {
          ++it;
        }
    }
    for (Pending& p : expired) {
      --p.peer->connections;
      p.stream->shutdown();
      untrack(p.stream);
    }
  }

  // Bytes both ways until either side closes or both are idle too long.
  void splice(const std::shared_ptr<TcpStream>& a, const std::shared_ptr<TcpStream>& b, Registered& peer) {
    auto pump = [this, &peer](TcpStream& from, TcpStream& to) {
      std::vector<std::uint8_t> buffer(16384);
      try {
        for (;;) {
          const std::size_t n = from.readSome(buffer.data(), buffer.size(), Clock::now() + options.idleTimeout);
          if (n == 0 || stopping) break;
          peer.bucket.take(n, stopping);
          to.writeAll(buffer.data(), n, Clock::now() + options.idleTimeout);
          forwarded += n;
        }
      } catch (const std::exception&) {
      }
      from.shutdown();
      to.shutdown();
    };
    std::thread back([&] { pump(*b, *a); });
    pump(*a, *b);
    back.join();
  }

  void stop() {
    stopping = true;
    if (acceptThread.joinable()) acceptThread.join();
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& s : open) s->shutdown();
    }
    std::vector<std::pair<std::thread, std::shared_ptr<std::atomic<bool>>>> all;
    {
      std::lock_guard<std::mutex> lock(mutex);
      all.swap(threads);
    }
    for (auto& t : all) t.first.join();
  }
};

RelayServer::RelayServer(std::uint16_t port, RelayOptions options) : impl_(std::make_unique<Impl>()) {
  ensureSodium();
  impl_->options = std::move(options);
  impl_->listener = std::make_unique<TcpListener>(impl_->options.listenHost, port);
  impl_->acceptThread = std::thread([this] { impl_->acceptLoop(); });
}

RelayServer::~RelayServer() { impl_->stop(); }

std::uint16_t RelayServer::port() const { return impl_->listener->port(); }
std::size_t RelayServer::registeredPeers() const { return impl_->registered; }
std::uint64_t RelayServer::bytesForwarded() const { return impl_->forwarded; }

}  // namespace sds::swarm
