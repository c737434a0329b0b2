#include "swarm/averaging_messages.h"

#include <cmath>

#include "swarm/wire.h"

namespace sds::swarm {

namespace {


void writeValues(ByteWriter& w, const float* values, std::uint32_t count, Compression compression) {
  const Compressed c = compress(values, count, compression);
  w.u32(count);
  w.u8(static_cast<std::uint8_t>(c.format));
  w.bytes(asView(c.payload));
}

std::vector<float> readValues(ByteReader& r) {
  const std::uint32_t count = r.u32("value count");
  if (count == 0 || count > kChunkValues) {
    throw WireError("a chunk of " + std::to_string(count) + " values (1 to " + std::to_string(kChunkValues) +
                    " allowed)");
  }
  const std::uint8_t format = r.u8("compression");
  if (format > static_cast<std::uint8_t>(Compression::Quantile8)) {
    throw WireError("unknown compression " + std::to_string(format));
  }
  const auto compression = static_cast<Compression>(format);
  const std::string_view payload = r.bytes(compressedSizeBound(count, compression), "values");
  std::vector<float> values(count);
  decompress(payload, compression, values.data(), count);
  for (float v : values) {
    if (!std::isfinite(v)) throw WireError("the values include NaN or infinity");
  }
  return values;
}

}  // namespace

Bytes encodePart(const Key32& group, std::uint64_t offset, double weight, const float* values, std::uint32_t count,
                 Compression compression) {
  ByteWriter w;
  w.u8(kPartMessage);
  w.raw(group);
  w.u64(offset);
  w.f64(weight);
  writeValues(w, values, count, compression);
  return w.take();
}

Bytes encodeResult(const Key32& group, std::uint64_t offset, std::uint32_t contributors, const float* values,
                   std::uint32_t count, Compression compression) {
  ByteWriter w;
  w.u8(kResultMessage);
  w.raw(group);
  w.u64(offset);
  w.u32(contributors);
  writeValues(w, values, count, compression);
  return w.take();
}

Bytes encodeRefusal(const Key32& group, const std::string& reason) {
  ByteWriter w;
  w.u8(kRefusalMessage);
  w.raw(group);
  w.bytes(std::string_view(reason).substr(0, kMaxReasonBytes));
  return w.take();
}

std::optional<Key32> peekGroup(const Bytes& message) {
  if (message.size() < 33) return std::nullopt;
  Key32 group;
  std::copy(message.begin() + 1, message.begin() + 33, group.begin());
  return group;
}

AveragingMessage decodeAveragingMessage(const Bytes& message) {
  ByteReader r(message);
  const std::uint8_t type = r.u8("message type");
  switch (type) {
    case kPartMessage: {
      PartChunk part;
      part.group = r.fixed<32>("group");
      part.offset = r.u64("offset");
      part.weight = r.f64("weight");
      if (!std::isfinite(part.weight) || part.weight <= 0) throw WireError("the weight must be a positive number");
      part.values = readValues(r);
      r.expectEnd("part");
      return part;
    }
    case kResultMessage: {
      ResultChunk result;
      result.group = r.fixed<32>("group");
      result.offset = r.u64("offset");
      result.contributors = r.u32("contributors");
      result.values = readValues(r);
      r.expectEnd("result");
      return result;
    }
    case kRefusalMessage: {
      Refusal refusal;
      refusal.group = r.fixed<32>("group");
      refusal.reason = std::string(r.bytes(kMaxReasonBytes, "reason"));
      r.expectEnd("refusal");
      return refusal;
    }
    default:
      throw WireError("unknown averaging message type " + std::to_string(type));
  }
}

}  // namespace sds::swarm
