#pragma once
// A peer's side of the dataset server (data_server.h): leases a chunk, downloads it, gives it back.
// Every call signs its request with the run key and checks the answer's digest, so a truncated or
// altered transfer is an error, never training data.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "swarm/crypto.h"

namespace sds::served {

// The server could not be reached, refused the request or answered something unusable. `status` is
// the HTTP status (0: no answer at all).
struct DataServerError : std::runtime_error {
  DataServerError(const std::string& what, int status) : std::runtime_error(what), status(status) {}
  int status;
};

struct ChunkLease {
  std::size_t chunk = 0;
  std::string token;
  std::int64_t expiresInSeconds = 0;
  std::size_t samples = 0, chunks = 0;
  std::int64_t dataEpoch = 0;
};

// The lease a /v1/lease answer holds, and whether a /v1/return answer counted the chunk. Throw
// std::invalid_argument saying what is missing or out of range.
ChunkLease parseLeaseAnswer(const std::string& body);
bool parseReturnAnswer(const std::string& body);

class DataClient {
 public:
  // `url`: http://HOST:PORT. Throws std::invalid_argument naming it when it is not one.
  DataClient(const std::string& url, const swarm::Key32& dataKey);
  ~DataClient();

  ChunkLease lease(const std::string& peerName);
  // The chunk's tar, checked against the server's digest.
  std::string download(const ChunkLease& lease);
  // Gives the lease back; false when the server no longer knew it (expired long ago, or a restart).
  bool giveBack(const ChunkLease& lease, bool trained, const std::string& reason = {});
  // The server's /v1/status answer as JSON text.
  std::string status();

  const std::string& url() const { return url_; }

 private:
  std::string post(const std::string& path, const std::string& body);

  std::string url_;
  swarm::Key32 key_;
  struct Http;
  std::unique_ptr<Http> http_;
};

}  // namespace sds::served
