#pragma once
// One peer's side of butterfly all-reduce (docs/swarm-protocol.md, "Averaging"). Each member of a
// group sends part k of its values to the member that reduces part k, that member combines what
// arrived (weighted by samples, or with CenteredClip) and sends the result back. Faults cost no more
// than the round's timeout: a sender that does not deliver is left out of the part, a reducer that
// does not answer leaves its part at this peer's own values, and a sender of bad values (NaN, wrong
// shape, another run) is refused and left out.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "swarm/aggregation.h"
#include "swarm/averaging_group.h"
#include "swarm/compression.h"
#include "swarm/identity.h"
#include "swarm/run_key.h"

namespace sds::swarm {

struct ReductionRound;
class PeerServer;
class SecureChannel;

struct AveragerOptions {
  // An auxiliary peer trains nothing: it reduces the others' parts and contributes no values (it
  // needs a server).
  bool auxiliary = false;
  // How long a part that arrives before this peer has begun the round waits for it.
  std::chrono::milliseconds earlyPartWait{10'000};
};

enum class Aggregation { Mean, CenteredClip };

// Moments of a round, reported to RoundOptions::onStage (from the round's threads): for a studio's
// round timeline, and for tests that end a peer at an exact moment.
enum class RoundStage {
  FirstPartSent,  // this peer has delivered its values of one part to that part's reducer
  Reducing,       // this peer stopped collecting and combines its own part
};

struct RoundOptions {
  std::chrono::milliseconds timeout{30'000};  // every member returns by then
  // A reducer reduces what has arrived at this share of the timeout, so that its results still reach
  // the senders in time.
  double collectShare = 0.6;
  Compression compression = Compression::None;
  // The tensors the flat values are made of, in order (optional; their sizes add up to the values'
  // count). Chunks never span two tensors, and tensors smaller than compressAbove values (biases,
  // norms: little to gain, much to lose) travel uncompressed. Every member must pass the same.
  std::vector<std::size_t> tensorSizes;
  std::size_t compressAbove = 65'536;
  Aggregation aggregation = Aggregation::Mean;
  CenteredClipOptions clip;
  std::function<void(RoundStage)> onStage;  // optional; called once per stage and round
};

// How values [at, end) of the flat vector go on the wire: the next chunk's length (within one tensor
// and at most kChunkValues) and its compression.
struct ChunkPlan {
  std::size_t count = 0;
  Compression compression = Compression::None;
};
ChunkPlan planChunk(const RoundOptions& options, std::size_t at, std::size_t end);

struct PartOutcome {
  PeerId reducer{};
  std::size_t offset = 0;
  std::size_t length = 0;
  bool averaged = false;          // false: left at this peer's own values
  std::uint32_t contributors = 0; // members whose values the result holds
  std::string error;              // why not averaged
};

struct RoundReport {
  std::vector<PartOutcome> parts;
  std::vector<std::string> excluded;  // senders left out of this peer's part, and why
  std::uint64_t bytesSent = 0;
  std::uint64_t bytesReceived = 0;
  double seconds = 0;
  bool allAveraged() const;
};

class Averager {
 public:
  // `server` receives the parts this peer reduces; without one the peer is in client mode (it sends
  // its parts and reduces none). Identity, run key and server must outlive the averager.
  Averager(const Identity& identity, const RunKey& run, PeerServer* server, AveragerOptions options = {});
  ~Averager();
  Averager(const Averager&) = delete;
  Averager& operator=(const Averager&) = delete;

  const PeerId& id() const { return identity_.id(); }
  bool clientMode() const { return server_ == nullptr; }
  bool auxiliary() const { return options_.auxiliary; }
  // This peer as a group member.
  GroupMember member(double bandwidth = 1.0) const;

  // Averages `values` (finite) with the group's other members, `weight` being this peer's samples.
  // Returns within the round's timeout (and the handshakes' time) whatever the others do.
  RoundReport average(const Group& group, std::vector<float>& values, double weight, const RoundOptions& options);

 private:
  void serveParts(SecureChannel& channel, const Bytes& first);
  std::shared_ptr<ReductionRound> waitForRound(const Key32& hash, std::chrono::milliseconds wait);

  const Identity& identity_;
  const RunKey& run_;
  PeerServer* server_;
  AveragerOptions options_;
  std::atomic<bool> stopping_{false};

  std::mutex roundsMutex_;
  std::condition_variable roundsChanged_;
  std::map<Key32, std::shared_ptr<ReductionRound>> rounds_;
};

}  // namespace sds::swarm
