#pragma once
// Unicode helpers for the tokenizer (utf8proc inside, not exposed): decoding, normalization, case mapping
// and the character classes of the pre-tokenizer.

#include <string>
#include <string_view>

namespace sds::text::unicode {

// `bytes` as valid UTF-8: every maximal ill-formed subpart becomes U+FFFD, as Python's
// bytes.decode("utf-8", errors="replace") does. Valid input comes back unchanged.
std::string toValidUtf8(std::string_view bytes);

// Code points of valid UTF-8 (see toValidUtf8).
std::u32string decode(std::string_view utf8);

// Appends the UTF-8 encoding of a code point.
void appendUtf8(std::string& out, char32_t c);

// NFC of valid UTF-8.
std::string nfc(std::string_view utf8);

// Full lowercase mapping of each code point on its own (no context, so Σ is always σ), like Rust's
// char::to_lowercase: "İ" (U+0130) becomes "i" + U+0307, every other character its simple mapping.
std::u32string lowercase(const std::u32string& text);

bool isLetter(char32_t c);      // general category L*
bool isNumber(char32_t c);      // general category N*
bool isWhitespace(char32_t c);  // the White_Space property (what \s matches in Unicode regexes)

}  // namespace sds::text::unicode
