#pragma once
// Element types of safetensors files, named as the format names them ("F32", "BF16", ...).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sds::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, U64, U32, U16, BOOL, F8_E4M3, F8_E5M2 };

// Every dtype, in declaration order (for listing the known names and for tests).
const std::vector<DType>& allDTypes();

// Bytes per element: 8, 4, 2 or 1.
std::size_t dtypeSize(DType dtype);

// The name used in safetensors headers.
std::string_view dtypeName(DType dtype);

// The dtype of a header name (exact, case-sensitive), or nullopt when unknown.
std::optional<DType> parseDType(std::string_view name);

// Number of elements of `shape` (1 for a scalar, 0 when any dimension is 0), or nullopt when a
// dimension is negative or the count does not fit in int64.
std::optional<std::int64_t> elementCount(const std::vector<std::int64_t>& shape);

// Bytes needed by a tensor of `dtype` and `shape`, or nullopt when elementCount() fails or the
// byte count does not fit in uint64.
std::optional<std::uint64_t> byteSize(DType dtype, const std::vector<std::int64_t>& shape);

}  // namespace sds::io
