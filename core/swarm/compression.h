#pragma once
// How averaged values travel: as they are (fp32), as fp16, or as 8 bits per value, either uniform
// over blocks of 256 values or on a codebook of the values' quantiles. Each format has a stated bound
// on the error of every decoded value (maxCompressionError), which the tests hold it to.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/crypto.h"

namespace sds::swarm {

enum class Compression : std::uint8_t { None = 0, Float16 = 1, Uniform8 = 2, Quantile8 = 3 };

std::string compressionName(Compression c);
std::optional<Compression> parseCompression(std::string_view name);  // "none", "fp16", "uniform8", "quantile8"

struct Compressed {
  Compression format = Compression::None;  // may differ from the one asked for (fp16 of values beyond its range)
  Bytes payload;
};

// The values must be finite.
Compressed compress(const float* values, std::size_t n, Compression wanted);
// Decodes exactly n values; a payload of another size or with non-finite parameters is a WireError.
void decompress(std::string_view payload, Compression format, float* out, std::size_t n);
// Upper bound on the encoded size of n values, for bounding a message before it is read.
std::size_t compressedSizeBound(std::size_t n, Compression format);

// The bound on |decoded − value| that `format` guarantees for each of `values` (fp16: relative
// 2^-11, 2^-25 near zero; uniform8: half a step of the value's block; quantile8: half the widest gap
// of the codebook).
std::vector<double> compressionErrorBounds(const float* values, std::size_t n, Compression format);

std::uint16_t floatToHalf(float f);
float halfToFloat(std::uint16_t h);

}  // namespace sds::swarm
