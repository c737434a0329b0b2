#pragma once
// `sdtrain swarm serve-data`: one dataset served to the peers of a run over HTTP, in chunks with
// leases (docs/swarm.md#a-shared-dataset). The requests and what they get are data_service.h's; this
// carries them over HTTP and adds each answer's digest under the run key.

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "data/dataset.h"
#include "served_data/data_service.h"

namespace sds::swarm {
class RunKey;
}

namespace sds::served {

// The service's options (chunks, leases, state file, log; the log is called from server threads)
// and where to listen.
struct DataServerOptions : DataServiceOptions {
  std::string address = "0.0.0.0";
  int port = 7080;  // 0: any free one
};

class DataServer {
 public:
  // Plans the chunks, reads the state file and binds the port. Throws std::runtime_error naming the
  // state file or the port when either cannot be used.
  DataServer(data::Dataset dataset, const swarm::RunKey& key, DataServerOptions options);
  ~DataServer();  // stops serving
  DataServer(const DataServer&) = delete;
  DataServer& operator=(const DataServer&) = delete;

  // Serves on a thread of its own until stop() or destruction.
  void start();
  void stop();

  int port() const { return port_; }
  const DataService& service() const;  // what it answers: the chunks, the samples, the lease book

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace sds::served
