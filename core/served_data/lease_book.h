#pragma once
// The dataset server's memory of who trains which chunk: every chunk's count of completed trainings,
// and the leases given out. A peer leases a chunk, trains on it and gives it back; a lease not given
// back in time lets the chunk go to another peer. Kept in a JSON state file, rewritten atomically on
// every change, so that a restarted server goes on where it stopped. Thread-safe.

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace sds::served {

struct Lease {
  std::size_t chunk = 0;
  std::string token;        // random; proves the lease when downloading and giving back
  std::string peer;         // the name the peer gave, for the server's log and status
  std::int64_t expiresAt = 0;  // unix seconds
};

struct ChunkState {
  std::int64_t completions = 0;  // trainings given back as done
  std::int64_t failures = 0;     // given back as failed (a transfer or the chunk's images unusable)
};

struct LeaseStatus {
  std::vector<ChunkState> chunks;
  std::vector<Lease> leases;   // open ones, expired included until given back or pruned
  std::int64_t dataEpoch = 0;  // trainings every chunk has had: the swarm's passes over the dataset
};

class LeaseBook {
 public:
  // Reads `stateFile` when it exists (it must describe the same dataset: `fingerprint` and `chunks`),
  // else starts with nothing trained; an empty `stateFile` keeps the book in memory only. Throws
  // std::runtime_error naming the file when it cannot be read, is malformed or describes another
  // dataset; nothing is written then.
  LeaseBook(std::string stateFile, std::string fingerprint, std::size_t chunks, std::int64_t leaseSeconds);

  // Leases the chunk that needs training most: one nobody holds a live lease on, with the fewest
  // completions, then the fewest failures (a chunk that arrived damaged waits for the others), the
  // lowest index first; when every chunk is held, the least-held one again (two
  // peers then train it). Throws std::runtime_error when the state cannot be written.
  Lease lease(const std::string& peer, std::int64_t now);

  // Whether `token` is an open lease of `chunk` (expired or not: its peer may still finish).
  bool holds(std::size_t chunk, const std::string& token) const;

  enum class Outcome { Counted, UnknownLease };
  // Closes the lease; counts a completion when `trained`, else a failure.
  Outcome giveBack(std::size_t chunk, const std::string& token, bool trained);

  LeaseStatus status() const;
  // Trainings every chunk has had: the swarm's passes over the dataset.
  std::int64_t dataEpoch() const;
  std::size_t chunkCount() const { return chunks_.size(); }
  std::int64_t leaseSeconds() const { return leaseSeconds_; }
  const std::string& stateFile() const { return stateFile_; }

 private:
  void save() const;  // with mutex_ held
  void pruneStale(std::int64_t now);

  std::string stateFile_, fingerprint_;
  std::int64_t leaseSeconds_;
  mutable std::mutex mutex_;
  std::vector<ChunkState> chunks_;
  std::vector<Lease> leases_;
};

}  // namespace sds::served
