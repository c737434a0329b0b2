#pragma once
// Small string helpers shared by config parsing, error messages and the CLI.

#include <string>
#include <string_view>
#include <vector>

namespace sds::text {

// Edit distance (insertions, deletions, substitutions, adjacent transpositions), for "did you mean".
std::size_t editDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, or "" when none is close enough to be a plausible typo.
std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates);

// Splits text into lines of at most `width` characters at spaces (words longer than width stay whole).
std::vector<std::string> wrap(std::string_view text, std::size_t width);

// "a", "a or b", "a, b or c" — each item quoted when `quote` is set.
std::string joinAlternatives(const std::vector<std::string>& items, bool quote = true);

// `s` itself when it has at most `maxBytes` bytes, else its start (never cut inside a UTF-8
// character) followed by "...", within maxBytes in all.
std::string shorten(std::string_view s, std::size_t maxBytes);

// Shortest decimal text that reads back as exactly `value`, always with a '.' or exponent.
std::string formatDouble(double value);

}  // namespace sds::text
