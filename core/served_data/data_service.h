#pragma once
// What the dataset server answers, without the HTTP around it (data_server.h carries it): checks a
// request's signature and body, leases, hands out and takes back chunks. Apart from the transport so
// that every byte a stranger can send reaches it in tests and the fuzz harness alike. Thread-safe.
//
//   /v1/lease  {"peer"}            → {"chunk", "lease", "expires_in_s", "samples", "chunks", "data_epoch"}
//   /v1/chunk  {"chunk", "lease"}  → the chunk as a WebDataset tar
//   /v1/return {"chunk", "lease", "trained", "reason"} → {"counted", "data_epoch"}
//   /v1/status {}                  → chunks, completions, open leases, data_epoch

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "served_data/lease_book.h"
#include "swarm/crypto.h"

namespace sds::served {

struct ServiceRequest {
  std::string method = "POST";
  std::string path;    // one of the four above
  std::string auth;    // the X-SDS-Auth header (request_auth.h)
  std::string body;
  std::string remote;  // who asked, for the log
};

struct ServiceAnswer {
  int status = 200;  // 400 malformed, 401 not signed with the run key, 403 no such lease, 404, 500
  std::string body;  // JSON ({"error": …} unless 200), or the chunk's tar
  std::string type = "application/json";
  bool signedAnswer = true;  // false for 401: whoever asked cannot check a digest anyway
};

struct DataServiceOptions {
  std::size_t chunkSize = 256;        // samples per chunk
  std::int64_t leaseSeconds = 1800;   // how long a peer may train a chunk before it may go to another
  std::string stateFile;              // where what was trained is remembered; empty: in memory only
  std::function<void(const std::string&)> log;  // what happens, one line each
};

class DataService {
 public:
  // Plans the chunks and reads the state file. Throws std::runtime_error naming the state file when
  // it cannot be used, std::invalid_argument when the dataset has no samples or chunkSize is 0.
  DataService(data::Dataset dataset, const swarm::Key32& dataKey, DataServiceOptions options);
  ~DataService();

  // The answer to `request` at `now` (unix seconds). Never throws for anything a request holds.
  ServiceAnswer handle(const ServiceRequest& request, std::int64_t now) const;

  static const std::vector<std::string>& paths();  // the four the service answers
  std::size_t chunkCount() const;
  std::size_t sampleCount() const;
  LeaseStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sds::served
