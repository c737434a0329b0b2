#pragma once
// A peer training on the run's served dataset (dataset.path = "http://HOST:PORT"): each epoch is one
// leased chunk, downloaded into the run folder as a WebDataset shard and scanned like any shard, and
// given back as trained when the epoch's batches are all out. What epoch holds which chunk is written
// beside the shard, so a resumed run trains the same chunk again. A chunk that arrives damaged or
// holds no usable image is reported, given back as failed and replaced by another; the run ends only
// when the server stays unreachable (DataServerError) or refuses the key.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "data/epoch_datasets.h"
#include "swarm/crypto.h"

namespace sds::served {

class DataClient;

struct ServedDatasetOptions {
  std::string url;                 // http://HOST:PORT
  swarm::Key32 dataKey{};          // RunKey::dataKey()
  std::string folder;              // where chunks are kept while they train (the run's served-data/)
  std::string peerName;            // told to the server, for its log
  data::DatasetOptions scan;       // how a downloaded chunk is scanned (path and kind are set here)
  int attempts = 13;               // tries to reach the server before the run ends (about two minutes)
  std::chrono::milliseconds retryWait{10000};
  int badChunksInARow = 5;         // damaged or unusable chunks before the run ends
};

class ServedDataset : public data::EpochDatasets {
 public:
  explicit ServedDataset(ServedDatasetOptions options);
  ~ServedDataset() override;

  const data::Dataset& datasetFor(std::int64_t epoch) override;
  void epochDone(std::int64_t epoch) override;

 private:
  std::string shardOf(std::int64_t epoch) const;
  std::string recordOf(std::int64_t epoch) const;
  void scanChunk(std::int64_t epoch);  // current_ from the epoch's shard
  bool reuse(std::int64_t epoch);     // a resumed run's chunk, still on disk
  void fetch(std::int64_t epoch);
  template <typename F>
  auto withRetries(const char* what, F call);

  ServedDatasetOptions options_;
  std::unique_ptr<DataClient> client_;
  data::Dataset current_;
  std::int64_t currentEpoch_ = -1;
};

// The served dataset of a run: `runKeySetting` as swarm.run_key holds it (the key or its file), chunks
// kept in RUN_FOLDER/served-data, this computer's host name told to the server. Throws
// std::invalid_argument naming the setting when the URL or the key is unusable.
std::unique_ptr<data::EpochDatasets> openServedDataset(const std::string& url, const std::string& runKeySetting,
                                                       const std::string& runFolder, const data::DatasetOptions& scan);

}  // namespace sds::served
