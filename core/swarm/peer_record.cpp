#include "swarm/peer_record.h"

#include <chrono>
#include <cmath>

#include "swarm/averaging_group.h"
#include "swarm/wire.h"

namespace sds::swarm {

namespace {

constexpr std::string_view kMagic = "SDSR";
constexpr std::uint8_t kVersion = 2;
constexpr std::size_t kMacBytes = 32;
constexpr std::size_t kSignatureBytes = 64;
constexpr std::size_t kMaxHostBytes = 255;

std::string signedMessage(const RunKey& run, std::string_view body) {
  std::string message("sds-swarm/v1/record");
  message += asView(run.dhtKey());
  message += body;
  return message;
}

}  // namespace

std::uint64_t unixTimeMs() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

Bytes sealRecord(const PeerRecord& record, const Identity& signer, const RunKey& run) {
  if (record.peer != signer.id()) throw std::invalid_argument("a peer can only seal its own record");
  if (record.host.size() > kMaxHostBytes) throw std::invalid_argument("the host name is longer than 255 bytes");
  if (record.settings.size() > kMaxSettingsBytes) throw std::invalid_argument("the run's settings are longer than 480 bytes");
  ByteWriter w;
  w.raw(kMagic);
  w.u8(kVersion);
  w.raw(record.peer);
  w.u64(record.sequence);
  w.u64(record.issuedAtMs);
  w.u32(std::min(record.lifetimeS, kMaxRecordLifetimeS));
  w.bytes(record.host);
  w.u16(record.port);
  w.u8(modeByte(record.clientMode, record.auxiliary));
  w.u64(record.epoch);
  w.u64(record.samples);
  w.f32(record.samplesPerSecond);
  w.bytes(record.settings);
  const Signature signature = signer.sign(signedMessage(run, asView(w.data())));
  w.raw(signature);
  const Key32 mac = hash32({asView(w.data())}, &run.recordKey());
  w.raw(mac);
  return w.take();
}

OpenedRecord openRecord(std::string_view sealed, const RunKey& run, std::uint64_t nowMs) {
  OpenedRecord out;
  if (sealed.size() > kMaxRecordBytes) {
    out.rejection = "record of " + std::to_string(sealed.size()) + " bytes is over the limit of " +
                    std::to_string(kMaxRecordBytes);
    return out;
  }
  if (sealed.size() < kMagic.size() + 1 + kSignatureBytes + kMacBytes) {
    out.rejection = "record of " + std::to_string(sealed.size()) + " bytes is too short";
    return out;
  }
  // The MAC first: it is cheap, and a record of another run (or none) fails here.
  const std::string_view authenticated = sealed.substr(0, sealed.size() - kMacBytes);
  const Key32 mac = hash32({authenticated}, &run.recordKey());
  if (!equalConstantTime(mac.data(), reinterpret_cast<const std::uint8_t*>(sealed.data() + authenticated.size()),
                         kMacBytes)) {
    out.rejection = "record not authenticated by this run's key (another run, or tampered)";
    return out;
  }
  const std::string_view body = authenticated.substr(0, authenticated.size() - kSignatureBytes);
  try {
    ByteReader r(body);
    if (r.raw(kMagic.size(), "magic") != kMagic) throw WireError("not a peer record (bad magic)");
    const std::uint8_t version = r.u8("version");
    if (version != kVersion) throw WireError("record version " + std::to_string(version) + " is not supported");
    PeerRecord rec;
    rec.peer = r.fixed<32>("peer id");
    rec.sequence = r.u64("sequence");
    rec.issuedAtMs = r.u64("issued at");
    rec.lifetimeS = r.u32("lifetime");
    rec.host = std::string(r.bytes(kMaxHostBytes, "host"));
    rec.port = r.u16("port");
    readMode(r, rec.clientMode, rec.auxiliary);
    rec.epoch = r.u64("epoch");
    rec.samples = r.u64("samples");
    rec.samplesPerSecond = r.f32("samples per second");
    rec.settings = std::string(r.bytes(kMaxSettingsBytes, "settings"));
    r.expectEnd("peer record");
    if (!std::isfinite(rec.samplesPerSecond) || rec.samplesPerSecond < 0) {
      throw WireError("samples per second must be a finite number ≥ 0");
    }
    if (rec.lifetimeS > kMaxRecordLifetimeS) throw WireError("record lifetime over 600 s");
    if (!rec.clientMode && (rec.host.empty() || rec.port == 0)) {
      throw WireError("a peer that accepts connections must publish a host and a port");
    }
    Signature signature;
    std::copy(authenticated.end() - kSignatureBytes, authenticated.end(), signature.begin());
    if (!verifySignature(rec.peer, signedMessage(run, body), signature)) {
      throw WireError("the record's signature does not match its peer id");
    }
    if (rec.issuedAtMs > nowMs + kAllowedClockSkewMs) throw WireError("record issued in the future");
    if (nowMs > rec.issuedAtMs + std::uint64_t{rec.lifetimeS} * 1000) throw WireError("record expired");
    out.record = rec;
  } catch (const WireError& e) {
    out.rejection = e.what();
  }
  return out;
}

bool ReplayFilter::accept(const PeerRecord& record) {
  auto [it, inserted] = newest_.emplace(record.peer, record.sequence);
  if (inserted) return true;
  if (record.sequence <= it->second) return false;
  it->second = record.sequence;
  return true;
}

}  // namespace sds::swarm
