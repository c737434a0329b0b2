#include "swarm/discovery.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "swarm/dht_node.h"
#include "swarm/host_port.h"
#include "util/log.h"

namespace sds::swarm {

namespace {

dht::InfoHash infoHashOf(const Key32& key) { return dht::InfoHash(key.data(), 20); }

// Between two reads (a second apart), far more than a swarm's peers publish; a flood is dropped.
constexpr std::size_t kMaxPushedRecords = 4096;

// Every record is a new DHT value. OpenDHT's nodes replace a stored value of the same id, but the
// value cache behind a listen on a remote node keeps the first value of an id and takes a later one
// for a refresh of it: a peer that is not one of the key's storing nodes would see each other peer's
// first record only (one peer of nine did, in 10 of 12 simulated runs of eight peers). Old values leave
// the DHT with the record type's expiration.
std::uint64_t valueIdOf(const PeerId& peer, std::uint64_t sequence) {
  std::uint64_t id = 0;
  for (int i = 0; i < 8; ++i) id = (id << 8) | peer[static_cast<std::size_t>(i)];
  id ^= sequence * 0x9e3779b97f4a7c15ULL;
  return id == 0 ? 1 : id;  // 0 is OpenDHT's "no id"
}

}  // namespace

struct Discovery::Impl {
  const Identity& identity;
  const RunKey& run;
  DiscoveryOptions options;
  dht::DhtRunner node;
  dht::InfoHash key;

  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::optional<PeerRecord> mine;
  std::uint64_t lastSequence = 0;
  std::map<PeerId, PeerRecord> newest;
  // The highest sequence read of each peer, kept after its record expired: an older value still in
  // the DHT (each record is a value of its own) must not bring a peer that left back.
  std::map<PeerId, std::uint64_t> highestSequence;
  DiscoveryStats stats;
  std::thread refresher;
  // Values the standing listen was told of since the last read. A get alone sees a fresh peer's
  // records only after the DHT's searches have settled (about 12 s on loopback); the listen is told
  // of each record as the node storing it takes it.
  std::vector<std::string> pushed;

  Impl(const Identity& i, const RunKey& r, DiscoveryOptions o) : identity(i), run(r), options(std::move(o)) {}

  // Returns when the put has ended, well or not (for a caller that must know it went out).
  std::shared_future<void> put(PeerRecord record) {
    const Bytes sealed = sealRecord(record, identity, run);
    auto value = std::make_shared<dht::Value>(dht_node::recordType().id, sealed.data(), sealed.size(), valueIdOf(identity.id(), record.sequence));
    auto done = std::make_shared<std::promise<void>>();
    std::shared_future<void> future = done->get_future().share();
    node.put(key, value, [done, once = std::make_shared<std::atomic<bool>>(false)](bool ok) {
      if (!ok) log::debug("swarm: publishing this peer's record found no DHT node yet");
      if (!once->exchange(true)) done->set_value();  // a second call must not throw in the DHT's thread
    });
    return future;
  }

  void refreshLoop() {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping) {
      // Within the DHT's own expiration of a value, so that a quiet peer's record stays in it.
      const auto period = std::min<std::chrono::milliseconds>(std::chrono::milliseconds(options.recordLifetime) / 3,
                                                              dht_node::kRecordRepublish);
      wake.wait_for(lock, period, [&] { return stopping; });
      if (stopping || !mine) continue;
      PeerRecord record = *mine;
      record.sequence = lastSequence = std::max(lastSequence + 1, unixTimeMs());
      record.issuedAtMs = unixTimeMs();
      mine = record;
      lock.unlock();
      put(record);
      lock.lock();
    }
  }
};

Discovery::Discovery(const Identity& identity, const RunKey& run, DiscoveryOptions options)
    : impl_(std::make_unique<Impl>(identity, run, std::move(options))) {
  Impl& d = *impl_;
  d.key = infoHashOf(run.dhtKey());
  dht_node::start(d.node, d.options.port, d.options.perAddressRequestLimit);
  for (const std::string& b : d.options.bootstrap) addBootstrap(b);
  d.node.listen(d.key, [&d](const std::vector<std::shared_ptr<dht::Value>>& values, bool expired) {
    if (expired) return true;  // records carry their own lifetime
    std::lock_guard<std::mutex> lock(d.mutex);
    for (const auto& v : values)
      if (d.pushed.size() < kMaxPushedRecords) d.pushed.emplace_back(v->data.begin(), v->data.end());
    return true;
  });
  d.refresher = std::thread([&d] { d.refreshLoop(); });
}

Discovery::~Discovery() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->refresher.joinable()) impl_->refresher.join();
  impl_->node.shutdown({}, true);
  impl_->node.join();
}

std::uint16_t Discovery::port() const { return impl_->node.getBoundPort(); }

void Discovery::addBootstrap(const std::string& hostPort) {
  const auto [host, port] = splitHostPort(hostPort);
  impl_->node.bootstrap(host, port);
}

void Discovery::publish(PeerRecord record) {
  Impl& d = *impl_;
  std::unique_lock<std::mutex> lock(d.mutex);
  record.peer = d.identity.id();
  record.sequence = d.lastSequence = std::max(d.lastSequence + 1, unixTimeMs());
  record.issuedAtMs = unixTimeMs();
  record.lifetimeS = static_cast<std::uint32_t>(std::min<long long>(d.options.recordLifetime.count(), kMaxRecordLifetimeS));
  d.mine = record;
  lock.unlock();
  d.put(record);
}

void Discovery::withdraw(std::chrono::milliseconds wait) {
  Impl& d = *impl_;
  std::unique_lock<std::mutex> lock(d.mutex);
  if (!d.mine) return;
  // A last record that expires at once replaces the live one, so that the others stop counting
  // this peer within a second instead of its lifetime.
  PeerRecord last = *d.mine;
  d.mine.reset();
  last.sequence = d.lastSequence = std::max(d.lastSequence + 1, unixTimeMs());
  last.issuedAtMs = unixTimeMs();
  last.lifetimeS = 1;
  lock.unlock();
  d.put(last).wait_for(wait);
}

std::vector<PeerRecord> Discovery::peers(std::chrono::milliseconds wait) {
  Impl& d = *impl_;
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  auto values = std::make_shared<std::vector<std::string>>();
  auto valuesMutex = std::make_shared<std::mutex>();
  d.node.get(
      d.key,
      [values, valuesMutex](const std::vector<std::shared_ptr<dht::Value>>& found) {
        std::lock_guard<std::mutex> lock(*valuesMutex);
        for (const auto& v : found) values->emplace_back(v->data.begin(), v->data.end());
        return true;
      },
      [done, once = std::make_shared<std::atomic<bool>>(false)](bool) {
        if (!once->exchange(true)) done->set_value();
      });
  future.wait_for(wait);

  std::vector<std::string> found;
  {
    std::lock_guard<std::mutex> lock(*valuesMutex);
    found = *values;
  }
  const std::uint64_t now = unixTimeMs();
  std::lock_guard<std::mutex> lock(d.mutex);
  found.insert(found.end(), d.pushed.begin(), d.pushed.end());
  d.pushed.clear();
  if (d.mine) d.newest[d.identity.id()] = *d.mine;
  for (const std::string& bytes : found) {
    const OpenedRecord opened = openRecord(bytes, d.run, now);
    if (!opened.record) {
      ++d.stats.rejected;
      log::debug("swarm: dropped a DHT record: " + opened.rejection);
      continue;
    }
    const PeerRecord& record = *opened.record;
    std::uint64_t& highest = d.highestSequence[record.peer];
    if (record.sequence > highest) {
      highest = record.sequence;
      d.newest[record.peer] = record;
      ++d.stats.accepted;
    } else if (record.sequence < highest) {
      ++d.stats.older;  // a value the DHT still holds beside a newer one, or a replay
    }
  }
  std::vector<PeerRecord> out;
  for (auto it = d.newest.begin(); it != d.newest.end();) {
    if (now > it->second.issuedAtMs + std::uint64_t{it->second.lifetimeS} * 1000) {
      it = d.newest.erase(it);
    } else {
      out.push_back(it->second);
      ++it;
    }
  }
  return out;
}

DiscoveryStats Discovery::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

void Discovery::putRaw(const std::string& bytes) {
  auto value = std::make_shared<dht::Value>(dht_node::recordType().id, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            bytes.size());
  impl_->node.put(impl_->key, value);
}

}  // namespace sds::swarm
