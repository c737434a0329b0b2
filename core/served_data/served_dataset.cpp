#include "served_data/served_dataset.h"

#include <unistd.h>

#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "served_data/data_client.h"
#include "swarm/run_key.h"
#include "util/atomic_file.h"
#include "util/json_integer.h"
#include "util/log.h"

namespace sds::served {

namespace fs = std::filesystem;

ServedDataset::ServedDataset(ServedDatasetOptions options)
    : options_(std::move(options)), client_(std::make_unique<DataClient>(options_.url, options_.dataKey)) {
  options_.scan.kind = "webdataset";
  options_.scan.filters.clear();  // the server's scan applied its filters; a chunk carries no json
  fs::create_directories(options_.folder);
}

ServedDataset::~ServedDataset() = default;

std::string ServedDataset::shardOf(std::int64_t epoch) const {
  return (fs::path(options_.folder) / ("epoch-" + std::to_string(epoch) + ".tar")).string();
}
std::string ServedDataset::recordOf(std::int64_t epoch) const {
  return (fs::path(options_.folder) / ("epoch-" + std::to_string(epoch) + ".json")).string();
}

// Calls `call` until the server answers, waiting between tries; an answer that refuses (other than
// "unavailable") is not retried.
template <typename F>
auto ServedDataset::withRetries(const char* what, F call) {
  for (int attempt = 1;; ++attempt) {
    try {
      return call();
    } catch (const DataServerError& e) {
      const bool unreachable = e.status == 0 || e.status == 503;
      if (!unreachable || attempt >= options_.attempts) throw;
      log::warn(std::string(e.what()) + "; trying again to " + what + " in " +
                std::to_string(options_.retryWait.count() / 1000.0).substr(0, 4) + " s");
      std::this_thread::sleep_for(options_.retryWait);
    }
  }
}

void ServedDataset::scanChunk(std::int64_t epoch) {
  data::DatasetOptions scan = options_.scan;
  scan.path = shardOf(epoch);
  current_ = data::scanDataset(scan);
}

bool ServedDataset::reuse(std::int64_t epoch) {
  std::error_code ec;
  if (!fs::exists(recordOf(epoch), ec) || !fs::exists(shardOf(epoch), ec)) return false;
  scanChunk(epoch);
  if (current_.samples.empty()) return false;
  log::info("epoch " + std::to_string(epoch + 1) + ": training the served chunk kept in " + shardOf(epoch) + " again");
  return true;
}

void ServedDataset::fetch(std::int64_t epoch) {
  for (int bad = 0;;) {
    const ChunkLease lease = withRetries("lease a chunk", [&] { return client_->lease(options_.peerName); });
    std::string problem;
    std::string shard;
    try {
      shard = withRetries("download a chunk", [&] { return client_->download(lease); });
    } catch (const DataServerError& e) {
      if (e.status == 0) throw;  // the server stayed away: the run ends, resumable
      problem = e.what();
    }
    if (problem.empty()) {
      writeFileAtomically(shardOf(epoch), shard);
      scanChunk(epoch);
      for (std::size_t i = 0; i < current_.issues.size() && i < 5; ++i)
        log::warn("served chunk " + std::to_string(lease.chunk) + ": " + current_.issues[i].item + ": " +
                  current_.issues[i].message);
      if (current_.samples.empty())
        problem = "chunk " + std::to_string(lease.chunk) + " holds no usable image (" +
                  std::to_string(current_.examined) + " examined)";
      else if (current_.skipped() > 0)
        log::warn("served chunk " + std::to_string(lease.chunk) + ": " + std::to_string(current_.skipped()) + " of " +
                  std::to_string(current_.examined) + " images skipped");
    }
    if (problem.empty()) {
      writeFileAtomically(recordOf(epoch), nlohmann::json{{"url", options_.url},
                                                          {"chunk", lease.chunk},
                                                          {"lease", lease.token},
                                                          {"samples", current_.samples.size()}}
                                                   .dump() +
                                               "\n");
      log::info("epoch " + std::to_string(epoch + 1) + ": served chunk " + std::to_string(lease.chunk) + " of " +
                std::to_string(lease.chunks) + " (" + std::to_string(current_.samples.size()) +
                " images; the swarm's passes over the dataset: " + std::to_string(lease.dataEpoch) + ")");
      return;
    }
    log::warn(problem + "; given back untrained, leasing another");
    std::error_code ec;
    fs::remove(shardOf(epoch), ec);
    try {
      client_->giveBack(lease, false, problem);
    } catch (const DataServerError& e) {
      log::warn(e.what());
    }
    if (++bad >= options_.badChunksInARow)
      throw std::runtime_error(std::to_string(bad) + " chunks in a row from " + options_.url +
                               " could not be used; the last: " + problem);
  }
}

const data::Dataset& ServedDataset::datasetFor(std::int64_t epoch) {
  if (epoch == currentEpoch_) return current_;
  if (!reuse(epoch)) fetch(epoch);
  currentEpoch_ = epoch;
  return current_;
}

void ServedDataset::epochDone(std::int64_t epoch) {
  std::error_code ec;
  try {
    const nlohmann::json record = nlohmann::json::parse(readFile(recordOf(epoch)));
    ChunkLease lease;
    lease.chunk = integerAt<std::size_t>(record, "chunk");
    lease.token = record.at("lease").get<std::string>();
    if (!withRetries("give a chunk back", [&] { return client_->giveBack(lease, true); }))
      log::warn("the dataset server no longer knew the lease of chunk " + std::to_string(lease.chunk) +
                " (expired long ago, or the server lost its state); its training was not counted");
  } catch (const std::exception& e) {
    // The training happened; the server gives the chunk to another peer once the lease expires.
    log::warn("cannot give the chunk of epoch " + std::to_string(epoch + 1) + " back: " + e.what());
  }
  fs::remove(shardOf(epoch), ec);
  fs::remove(recordOf(epoch), ec);
  if (epoch == currentEpoch_) currentEpoch_ = -1;
}

std::unique_ptr<data::EpochDatasets> openServedDataset(const std::string& url, const std::string& runKeySetting,
                                                       const std::string& runFolder, const data::DatasetOptions& scan) {
  if (runKeySetting.empty())
    throw std::invalid_argument("swarm.run_key: a served dataset needs the run key the server was started with");
  ServedDatasetOptions options;
  options.url = url;
  try {
    options.dataKey = swarm::RunKey::fromSetting(runKeySetting).dataKey();
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("swarm.run_key: ") + e.what());
  }
  options.folder = (fs::path(runFolder) / "served-data").string();
  char host[256] = {};
  options.peerName = ::gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "a peer";
  options.scan = scan;
  return std::make_unique<ServedDataset>(std::move(options));
}

}  // namespace sds::served
