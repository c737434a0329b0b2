#pragma once
// SHA-256 of files, as the community's tools identify models: A1111 and kohya's "new" model hash is
// the SHA-256 of the whole file; the legacy 8-digit hash is that of the 64 KiB at offset 1 MiB.

#include <cstdint>
#include <string>
#include <string_view>

namespace sds {

// Lower-case hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);

// Lower-case hex SHA-256 of `length` bytes of a file from `offset` (fewer where the file ends first;
// by default the whole file). Reads in 1 MiB blocks. Throws std::runtime_error naming the path.
std::string sha256OfFile(const std::string& path, std::uint64_t offset = 0, std::uint64_t length = UINT64_MAX);

}  // namespace sds
