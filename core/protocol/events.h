#pragma once
// The trainer's event protocol (docs/protocol.md): one JSON object per line. Events go from the
// trainer to its client (the GUI, a script); commands go the other way. This is the only C++
// implementation of it: sdtrain writes events and reads commands with it, sdstudio the reverse.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sds::protocol {

// Bumped when a field changes meaning or disappears; new events or fields keep the version.
constexpr int kVersion = 1;

struct HelloEvent {  // first line of every session
  int protocol = kVersion;
  std::string program;  // "sdtrain"
  std::string version;  // "0.1.0"
};
// Written when the trainer has written nothing else for a while: it is alive and its output flows.
// The studio's watchdog says the trainer stopped responding when even these stop.
struct HeartbeatEvent {};
struct LogEvent {
  std::string level;  // trace, debug, info, warn, error
  std::string message;
};
struct StateEvent {
  // idle, scanning, caching, training, sampling, saving, paused, stopping, finished, failed
  std::string state;
  std::string detail;
};
struct ProgressEvent {  // long phases other than training steps (scanning, caching, …)
  std::string phase;
  std::int64_t current = 0;
  std::int64_t total = 0;  // 0 when unknown
};
struct StepEvent {
  std::int64_t step = 0;
  std::int64_t total_steps = 0;
  std::int64_t epoch = 0;
  std::int64_t images_seen = 0;  // images this run has trained on (a swarm peer: its own)
  double loss = 0;
  double loss_smoothed = 0;
  double lr = 0;
  double grad_norm = 0;
  double images_per_s = 0;
  double eta_s = 0;
  std::optional<double> memory_gib;  // GPU memory in use, when on a GPU
  // With several ranks (data-parallel training): each rank's images/s and GPU memory, by rank.
  std::vector<double> rank_images_per_s;
  std::vector<double> rank_memory_gib;
};
struct ValidationEvent {
  std::int64_t step = 0;
  double loss = 0;
};
struct SampleEvent {
  std::int64_t step = 0;
  std::string path;
  std::string prompt;
  std::int64_t seed = 0;
};
struct CheckpointEvent {
  std::int64_t step = 0;
  std::string path;
};
struct ErrorEvent {
  std::string message;     // what happened, naming the file/key/value involved
  std::string hint;        // what to do about it (may be empty)
  bool resumable = false;  // a checkpoint exists to resume from
  std::string checkpoint;  // its path, when resumable
};

struct DatasetReportEvent {  // the result of `sdtrain dataset check`
  // The report object as JSON text, as `sdtrain dataset check --json` prints it (docs/protocol.md):
  // path, kind, counts, formats, concepts, buckets and issues by kind. It travels as a nested object.
  std::string report;
};

// The swarm side of a training peer (docs/swarm.md).
struct SwarmEvent {
  // joining, downloading_state, accumulating, matchmaking, averaging, left
  std::string state;
  std::string detail;
  std::string peer;     // this peer's short id (8 hex digits)
  std::string address;  // host:port others reach it at; empty in client mode
  int dht_port = 0;     // UDP port of its DHT node: other peers may join through it (host:dht_port)
  bool client_mode = false;
  std::string reachability;  // how others reach it (address given, port mapped by UPnP, relayed) or why client mode
};
struct SwarmPeerInfo {
  std::string peer;
  std::string address;  // empty for client-mode peers
  std::int64_t epoch = 0;
  double samples_per_s = 0;
  bool client_mode = false;
  double last_seen_s = 0;  // seconds since its record was issued
};
struct SwarmStatusEvent {  // after local steps, at most about once a second
  std::int64_t epoch = 0;               // the swarm's (the newest any peer is on)
  std::int64_t local_epoch = 0;         // this peer's
  double samples = 0;                   // accumulated by the peers on the swarm's epoch
  std::int64_t target_batch_size = 0;
  double samples_per_s = 0;             // of all peers
  std::int64_t local_samples = 0;       // this peer's share of `samples`
  std::vector<SwarmPeerInfo> peers;     // this one included
};
struct SwarmRoundEvent {  // one averaging round of this peer
  std::int64_t epoch = 0;
  std::string kind = "gradients";  // gradients, pseudo_gradients (DiLoCo), state (weights and moments)
  std::int64_t group_size = 1;
  std::string outcome;  // averaged, partial (some parts kept this peer's values), alone
  std::int64_t bytes_sent = 0;
  std::int64_t bytes_received = 0;
  double matchmaking_s = 0;
  double averaging_s = 0;
  double waited_s = 0;  // the training's time spent on the round (less than it took when overlapped)
  std::vector<std::string> excluded;  // members left out of this peer's part, and why
  std::string digest;                 // hash of the averaged values (equal in every member); "" alone
};

using Event = std::variant<HelloEvent, LogEvent, StateEvent, ProgressEvent, StepEvent, ValidationEvent,
                           SampleEvent, CheckpointEvent, ErrorEvent, DatasetReportEvent, SwarmEvent,
                           SwarmStatusEvent, SwarmRoundEvent, HeartbeatEvent>;

// The name in the "event" field: "hello", "log", "state", …
std::string_view eventName(const Event& event);

struct Command {
  enum class Kind { Pause, Resume, Stop, Save, Sample, SwarmJoin, SwarmLeave };
  Kind kind = Kind::Pause;
  bool save = true;  // Stop only: write a checkpoint before stopping (false: cancel)
  // SwarmJoin only: the run's key (required), peers to join through, and optionally this peer's port,
  // published address, client mode and UPnP (absent: the project's [swarm] settings).
  std::string runKey;
  std::vector<std::string> peers;
  std::optional<int> port;
  std::optional<std::string> publicAddress;
  std::optional<bool> clientMode;
  std::optional<bool> upnp;
};

std::string_view commandName(Command::Kind kind);

// Thrown by the decoders; the message says what was wrong and what was expected.
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One line of JSON without the trailing newline. Events carry "event" and "time" (Unix seconds).
std::string encode(const Event& event, double time);
std::string encode(const Command& command);

// Unknown event types decode to nullopt so that older clients keep working with newer trainers.
std::optional<Event> decodeEvent(std::string_view line);
Command decodeCommand(std::string_view line);

}  // namespace sds::protocol
