#include "util/text.h"

#include "util/i18n.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sds::text {

std::size_t editDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance; rows are small (key names), so a full table is fine.
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t bestDistance = static_cast<std::size_t>(-1);
  for (const std::string& c : candidates) {
    const std::size_t dist = editDistance(word, c);
    if (dist < bestDistance) {
      bestDistance = dist;
      best = c;
    }
  }
  // A typo changes a few characters; allow roughly a third of the word, at least 2.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  return bestDistance <= limit ? best : std::string();
}

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end == pos) break;
    std::string_view word = text.substr(pos, end - pos);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    pos = end;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string joinAlternatives(const std::vector<std::string>& items, bool quote) {
  auto item = [&](std::size_t i) { return quote ? "\"" + items[i] + "\"" : items[i]; };
  if (items.empty()) return "";
  std::string head = item(0);
  for (std::size_t i = 1; i + 1 < items.size(); ++i) head += ", " + item(i);
  if (items.size() == 1) return head;
  return i18n::format(SDS_TR("Diagnostics", "%1 or %2"), {head, item(items.size() - 1)});
}

std::string shorten(std::string_view s, std::size_t maxBytes) {
  if (s.size() <= maxBytes) return std::string(s);
  std::size_t cut = maxBytes > 3 ? maxBytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

std::string formatDouble(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  // %g writes an exponent once it reaches the precision ("1e+02" for 100); like Python's repr, whole
  // numbers below 1e16 are written out instead. They are exact integers there, so %.0f reads back too.
  if (const char* e = std::strchr(buffer, 'e')) {
    const long exponent = std::strtol(e + 1, nullptr, 10);
    if (exponent >= 0 && exponent < 16) std::snprintf(buffer, sizeof buffer, "%.0f", value);
  }
  std::string s(buffer);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

}  // namespace sds::text
