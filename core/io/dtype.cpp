#include "io/dtype.h"

#include <array>

namespace sds::io {
namespace {

struct DTypeEntry {
  DType dtype;
  std::string_view name;
  std::size_t size;
};

constexpr std::array<DTypeEntry, 15> kDTypes = {{
    {DType::F64, "F64", 8},
    {DType::F32, "F32", 4},
    {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8},
    {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},
    {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},
    {DType::U64, "U64", 8},
    {DType::U32, "U32", 4},
    {DType::U16, "U16", 2},
    {DType::BOOL, "BOOL", 1},
    {DType::F8_E4M3, "F8_E4M3", 1},
    {DType::F8_E5M2, "F8_E5M2", 1},
}};

const DTypeEntry& entry(DType dtype) {
  for (const DTypeEntry& e : kDTypes)
    if (e.dtype == dtype) return e;
  return kDTypes.front();  // unreachable for valid enum values
}

}  // namespace

const std::vector<DType>& allDTypes() {
  static const std::vector<DType> all = [] {
    std::vector<DType> out;
    for (const DTypeEntry& e : kDTypes) out.push_back(e.dtype);
    return out;
  }();
  return all;
}

std::size_t dtypeSize(DType dtype) { return entry(dtype).size; }

std::string_view dtypeName(DType dtype) { return entry(dtype).name; }

std::optional<DType> parseDType(std::string_view name) {
  for (const DTypeEntry& e : kDTypes)
    if (e.name == name) return e.dtype;
  return std::nullopt;
}

std::optional<std::int64_t> elementCount(const std::vector<std::int64_t>& shape) {
  for (std::int64_t dim : shape)
    if (dim < 0) return std::nullopt;
  // Any zero dimension makes the tensor empty, whatever the others are: check it first so the
  // result does not depend on the order of the dimensions.
  for (std::int64_t dim : shape)
    if (dim == 0) return 0;
  std::int64_t count = 1;
  for (std::int64_t dim : shape)
    if (__builtin_mul_overflow(count, dim, &count)) return std::nullopt;
  return count;
}

std::optional<std::uint64_t> byteSize(DType dtype, const std::vector<std::int64_t>& shape) {
  const std::optional<std::int64_t> count = elementCount(shape);
  if (!count) return std::nullopt;
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(static_cast<std::uint64_t>(*count), dtypeSize(dtype), &bytes)) return std::nullopt;
  return bytes;
}

}  // namespace sds::io
