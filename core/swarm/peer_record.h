#pragma once
// What a peer publishes about itself in the DHT: where to reach it and how far it has trained.
// Sealed records are signed by the peer's identity and authenticated with the run's record key:
// records of other runs, tampered records and replayed old records are told apart and dropped.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "swarm/identity.h"
#include "swarm/run_key.h"

namespace sds::swarm {

struct PeerRecord {
  PeerId peer{};
  std::uint64_t sequence = 0;       // strictly increasing per peer; a record not newer is a replay
  std::uint64_t issuedAtMs = 0;     // Unix time in milliseconds
  std::uint32_t lifetimeS = 60;     // how long the record is valid after issuedAtMs (at most 600)
  std::string host;                 // address others connect to; empty for client mode
  std::uint16_t port = 0;
  bool clientMode = false;          // accepts no connections: sends its parts, reduces none
  bool auxiliary = false;           // trains nothing: helps reduce
  std::uint64_t epoch = 0;          // the optimizer step of the swarm this peer is on
  std::uint64_t samples = 0;        // samples accumulated towards the next epoch
  float samplesPerSecond = 0.0f;
  // The run's settings as this peer trains it (the trainer's portable run identity: method, model,
  // optimizer, …), so that peers of another configuration are told apart; empty until it trains.
  std::string settings;
};

constexpr std::size_t kMaxRecordBytes = 1024;
constexpr std::size_t kMaxSettingsBytes = 480;
constexpr std::uint32_t kMaxRecordLifetimeS = 600;
constexpr std::uint64_t kAllowedClockSkewMs = 60'000;

Bytes sealRecord(const PeerRecord& record, const Identity& signer, const RunKey& run);

struct OpenedRecord {
  std::optional<PeerRecord> record;
  std::string rejection;  // why it was dropped, when record is empty
};

// Checks the record's authenticity, shape and freshness at `nowMs`; never throws on bad bytes.
OpenedRecord openRecord(std::string_view sealed, const RunKey& run, std::uint64_t nowMs);

// Remembers the newest sequence seen per peer, so that a replayed older record is dropped.
class ReplayFilter {
 public:
  // True (and remembered) when the record is newer than every earlier one of its peer.
  bool accept(const PeerRecord& record);

 private:
  std::map<PeerId, std::uint64_t> newest_;
};

std::uint64_t unixTimeMs();

}  // namespace sds::swarm
