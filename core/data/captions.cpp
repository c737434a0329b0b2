#include "data/captions.h"

#include <algorithm>

namespace sds::data {
namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string join(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& tag : tags) out += (out.empty() ? "" : ", ") + tag;
  return out;
}

}  // namespace

std::vector<std::string> splitTags(std::string_view caption) {
  std::vector<std::string> tags;
  std::size_t begin = 0;
  while (begin <= caption.size()) {
    std::size_t end = caption.find(',', begin);
    if (end == std::string_view::npos) end = caption.size();
    const std::string_view tag = trim(caption.substr(begin, end - begin));
    if (!tag.empty()) tags.emplace_back(tag);
    begin = end + 1;
  }
  return tags;
}

std::string transformCaption(std::string_view caption, const CaptionOptions& options, Rng& rng) {
  if (options.dropout > 0 && rng.chance(options.dropout)) return {};
  std::string body;
  if (options.shuffleTags) {
    std::vector<std::string> tags = splitTags(caption);
    const std::size_t keep = std::min<std::size_t>(tags.size(), static_cast<std::size_t>(std::max(options.keepTags, 0)));
    std::vector<std::string> rest(tags.begin() + static_cast<std::ptrdiff_t>(keep), tags.end());
    rng.shuffle(rest);
    tags.resize(keep);
    tags.insert(tags.end(), rest.begin(), rest.end());
    body = join(tags);
  } else {
    body = std::string(trim(caption));
  }
  const std::string_view prefix = trim(options.prefix);
  if (prefix.empty()) return body;
  if (body.empty()) return std::string(prefix);
  return std::string(prefix) + ", " + body;
}

}  // namespace sds::data
