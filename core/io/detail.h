#pragma once
// Helpers shared by the safetensors reader and writer (internal to sds_io).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sds::io::detail {

// Offset of the first byte that is not part of well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF), or nullopt when all of `text` is valid.
std::optional<std::size_t> invalidUtf8Offset(std::string_view text);

// `text` made safe for a message: each byte that is not valid UTF-8 becomes '?', and long texts are
// shortened to about `maxBytes` (texts come from files and can be anything).
std::string printable(std::string_view text, std::size_t maxBytes = 300);

// 'name' for messages, printable and at most about 200 bytes.
std::string inQuotes(std::string_view name);

// "[2, 3]"
std::string shapeText(const std::vector<std::int64_t>& shape);

}  // namespace sds::io::detail
