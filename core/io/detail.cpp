#include "io/detail.h"

#include "util/text.h"

namespace sds::io::detail {
namespace {

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed sequence starting at text[i], or 0 when it is not well-formed.
// The ranges of the second byte follow the Unicode standard's table of well-formed sequences.
std::size_t sequenceLength(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;   // overlong
    if (c == 0xED) high = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;   // overlong
    if (c == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  const auto second = static_cast<unsigned char>(text[i + 1]);
  if (second < low || second > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (!isContinuation(static_cast<unsigned char>(text[i + k]))) return 0;
  return length;
}

}  // namespace

std::optional<std::size_t> invalidUtf8Offset(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = sequenceLength(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

std::string printable(std::string_view text, std::size_t maxBytes) {
  std::string out;
  while (const auto bad = invalidUtf8Offset(text)) {
    out.append(text.substr(0, *bad)).push_back('?');
    text.remove_prefix(*bad + 1);
  }
  out.append(text);
  return text::shorten(out, maxBytes);
}

std::string inQuotes(std::string_view name) { return "'" + printable(name, 200) + "'"; }

std::string shapeText(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

}  // namespace sds::io::detail
