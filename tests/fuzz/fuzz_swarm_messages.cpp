// Untrusted bytes from other peers of a swarm: averaging messages, matchmaking messages, DHT records
// and compressed payloads. Bad bytes are refused with WireError (or a record's rejection); what
// decodes keeps every promise the decoders make (finite values within their bounds).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "swarm/averaging_messages.h"
#include "swarm/matchmaking_messages.h"
#include "swarm/peer_record.h"
#include "swarm/wire.h"

using namespace sds::swarm;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void checkValues(const std::vector<float>& values) {
  check(!values.empty() && values.size() <= kChunkValues);
  for (float v : values) check(std::isfinite(v));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes message(data, data + size);
  try {
    const AveragingMessage m = decodeAveragingMessage(message);
    if (const auto* part = std::get_if<PartChunk>(&m)) {
      checkValues(part->values);
      check(std::isfinite(part->weight) && part->weight > 0);
    } else if (const auto* result = std::get_if<ResultChunk>(&m)) {
      checkValues(result->values);
    }
  } catch (const WireError&) {
  }
  try {
    const PeerId sender{};
    const MatchmakingMessage m = decodeMatchmakingMessage(message, sender);
    if (const auto* begin = std::get_if<GroupBegins>(&m)) {
      check(!begin->group.members.empty() && begin->group.members.size() <= kMaxGroupSize);
      // What decoded encodes to the same bytes.
      check(encodeBegin(begin->epoch, begin->group) == message);
    } else if (const auto* join = std::get_if<JoinRequest>(&m)) {
      check(std::isfinite(join->member.bandwidth) && join->member.bandwidth > 0);
      check(encodeJoin(*join) == message);
    }
  } catch (const WireError&) {
  }
  // A record under a run key no input can know: it must be dropped, never crash.
  static const RunKey run = RunKey::fromSecret("fuzzing run key, never shared");
  const OpenedRecord record = openRecord(asView(message), run, unixTimeMs());
  check(!record.record.has_value());
  // Every compressed format, for as many values as the payload could hold.
  for (Compression c : {Compression::None, Compression::Float16, Compression::Uniform8, Compression::Quantile8}) {
    for (std::size_t n : {std::size_t{0}, size / 4, size / 2, size}) {
      if (compressedSizeBound(n, c) != size || n > (1u << 20)) continue;
      std::vector<float> out(n);
      try {
        decompress(asView(message), c, out.data(), n);
      } catch (const WireError&) {
      }
    }
  }
  return 0;
}
