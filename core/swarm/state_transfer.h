#pragma once
// State sharing (docs/swarm-protocol.md, "State"): a peer serves its current training state — one
// file holding weights, optimizer, epoch and schedule, written by the trainer — to peers that ask
// (newcomers, and peers that fell behind). Transfers go in chunks, resume where a broken one stopped
// as long as the state is the same (same hash), and are checked against the BLAKE2b hash the server
// announced before the file is handed over.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "swarm/averaging_group.h"
#include "swarm/crypto.h"
#include "swarm/identity.h"
#include "swarm/run_key.h"
#include "swarm/tcp_stream.h"

namespace sds::swarm {

class PeerServer;
class SecureChannel;

constexpr std::uint8_t kStateRequestMessage = 32;
constexpr std::uint8_t kStateInfoMessage = 33;
constexpr std::uint8_t kStateChunkMessage = 34;
constexpr std::uint8_t kStateRefusalMessage = 35;
constexpr std::size_t kStateChunkBytes = 1u << 20;

struct SharedState {
  std::uint64_t epoch = 0;
  std::string path;    // the file
  std::uint64_t size = 0;
  Key32 hash{};        // BLAKE2b-256 of the file
};

// Describes a state file (size and hash) for serving; throws naming the file when it cannot be read.
SharedState describeState(std::uint64_t epoch, const std::string& path);

class StateServer {
 public:
  StateServer(PeerServer& server);
  ~StateServer();
  // What this peer serves from now on; nothing before the first call. The file must stay unchanged
  // until the next call (the trainer writes each state to a new file).
  void share(const SharedState& state);
  // Serves nothing until the next share(): the shared state is out of date.
  void stopSharing();
  // Requests answered with a refusal because nothing was shared: a trainer writes its state for them.
  std::uint64_t unservedRequests() const { return unserved_; }

 private:
  void serve(SecureChannel& channel, const Bytes& first);
  PeerServer& server_;
  std::mutex mutex_;
  std::optional<SharedState> state_;
  std::atomic<std::uint64_t> unserved_{0};
};

struct StateDownloadOptions {
  std::chrono::milliseconds timeout{600'000};      // the whole transfer
  std::chrono::milliseconds chunkTimeout{30'000};  // each chunk: a stalled server is given up
  std::uint64_t maxBytes = 64ull << 30;            // a larger announced state is refused
  std::function<void(std::uint64_t done, std::uint64_t total)> onProgress;
};

struct DownloadedState {
  std::uint64_t epoch = 0;
  std::uint64_t size = 0;
  Key32 hash{};
  std::string path;
  std::uint64_t resumedFrom = 0;  // bytes kept from an earlier, broken transfer
};

// Downloads `from`'s state into `path`. A partial file left there by a broken transfer of the same
// state (path + ".part" with its hash beside it) is continued, not restarted. Throws ChannelError or
// std::runtime_error (wrong hash, over the size limit, refused); the partial file stays for a retry.
DownloadedState downloadState(const GroupMember& from, const Identity& self, const RunKey& run,
                              const std::string& path, const StateDownloadOptions& options = {});

}  // namespace sds::swarm
