#pragma once
// The messages of an averaging round (docs/swarm-protocol.md, "Averaging"): a sender's part of the
// values, in chunks, to the member that reduces it; the reduced result back in chunks; or a refusal
// with its reason. Decoding checks every field's bound before it allocates.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "swarm/compression.h"
#include "swarm/crypto.h"

namespace sds::swarm {

// The first byte of every averaging message (docs/swarm-protocol.md lists all services' types).
constexpr std::uint8_t kPartMessage = 1;
constexpr std::uint8_t kResultMessage = 2;
constexpr std::uint8_t kRefusalMessage = 3;

// Values per chunk: 4 MiB of fp32.
constexpr std::uint32_t kChunkValues = 1u << 20;
constexpr std::size_t kMaxReasonBytes = 512;
// The largest averaging message: a chunk of kChunkValues uncompressed values and its header.
constexpr std::size_t kMaxAveragingMessageBytes = 4u * kChunkValues + 128;

struct PartChunk {
  Key32 group{};
  std::uint64_t offset = 0;  // of the chunk's first value in the flat vector
  double weight = 1.0;       // the sender's samples
  std::vector<float> values;
};

struct ResultChunk {
  Key32 group{};
  std::uint64_t offset = 0;
  std::uint32_t contributors = 0;
  std::vector<float> values;
};

struct Refusal {
  Key32 group{};
  std::string reason;
};

using AveragingMessage = std::variant<PartChunk, ResultChunk, Refusal>;

Bytes encodePart(const Key32& group, std::uint64_t offset, double weight, const float* values, std::uint32_t count,
                 Compression compression);
Bytes encodeResult(const Key32& group, std::uint64_t offset, std::uint32_t contributors, const float* values,
                   std::uint32_t count, Compression compression);
Bytes encodeRefusal(const Key32& group, const std::string& reason);

// The group hash of a message, read before the rest is decoded (so that a peer refused for what
// follows can be named in its round); nothing when the message is too short to hold one.
std::optional<Key32> peekGroup(const Bytes& message);

// Throws WireError for anything malformed: unknown type, counts over kChunkValues, a payload that
// does not match its count, non-finite values or weight, a weight ≤ 0, trailing bytes.
AveragingMessage decodeAveragingMessage(const Bytes& message);

}  // namespace sds::swarm
