// WebDataset tar shards (via libarchive): members grouped by key, the part of the name before the
// first dot of its file name ("000123.jpg", "000123.txt", "000123.json"), with json metadata filters.

#include <archive.h>
#include <archive_entry.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "data/sources.h"

namespace sds::data::detail {
namespace {

struct Filter {
  std::string field, op;
  double value = 0;
  std::string text;  // as written, for messages
};

Filter parseFilter(const std::string& text) {
  static const char* ops[] = {">=", "<=", "==", "!=", ">", "<"};
  for (const char* op : ops) {
    const std::size_t at = text.find(op);
    if (at == std::string::npos) continue;
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    Filter f{trim(text.substr(0, at)), op, 0, text};
    const std::string number = trim(text.substr(at + std::string(op).size()));
    std::size_t used = 0;
    try {
      f.value = std::stod(number, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (f.field.empty() || used == 0 || used != number.size()) break;
    return f;
  }
  throw std::runtime_error("dataset.filters: \"" + text +
                           "\" is not a filter; expected <json field> <op> <number> with op one of >= <= == != > <, "
                           "for example \"original_width >= 512\"");
}

// Empty when the metadata passes every filter, else why not.
std::string rejectReason(const nlohmann::json& meta, const std::vector<Filter>& filters) {
  for (const Filter& f : filters) {
    const auto it = meta.find(f.field);
    if (it == meta.end() || !it->is_number()) return "its json has no number \"" + f.field + "\" for the filter " + f.text;
    const double v = it->get<double>();
    const bool pass = f.op == ">=" ? v >= f.value : f.op == "<=" ? v <= f.value : f.op == "==" ? v == f.value
                    : f.op == "!=" ? v != f.value : f.op == ">"  ? v > f.value  : v < f.value;
    if (!pass) return "filtered out by " + f.text + " (" + f.field + " is " + it->dump() + ")";
  }
  return {};
}

// One key's members as they come out of the tar.
struct Group {
  std::string key, imageMember;
  std::vector<std::uint8_t> image;
  std::optional<std::string> caption, json;
  std::string problem;  // a caption or json member that cannot be used: the image is skipped
  IssueKind problemKind = IssueKind::BadCaption;
};

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void finishGroup(Group& g, const std::string& shard, const std::vector<Filter>& filters, const Dataset& out,
                 const DatasetOptions& options, std::vector<Checked>& results) {
  if (g.key.empty() || g.imageMember.empty()) return;  // metadata-only keys are not samples
  Checked result;
  const ImageRef ref{shard, g.imageMember};
  if (!g.problem.empty()) {
    result.issues.push_back({g.problemKind, ref.displayName(), g.problem});
  } else if (!filters.empty()) {
    nlohmann::json meta;
    std::string reason;
    if (!g.json) {
      reason = "has no json metadata for dataset.filters";
    } else {
      meta = nlohmann::json::parse(*g.json, nullptr, false);
      reason = meta.is_object() ? rejectReason(meta, filters) : "its json metadata is not a JSON object";
    }
    if (!reason.empty()) result.issues.push_back({IssueKind::Filtered, ref.displayName(), reason});
  }
  if (result.issues.empty()) {
    Candidate c;
    c.image = ref;
    c.caption = g.caption;
    c.captionSource = shard + ":" + g.key + ".txt";
    result = checkCandidate(c, g.image.data(), g.image.size(), out.concepts, options);
  }
  results.push_back(std::move(result));
}

// Reads one shard; returns the number of image members examined (each one ends as a sample or as a
// skipped issue in `results`).
std::size_t readShard(const std::string& shard, const std::vector<Filter>& filters, const Dataset& out,
                      const DatasetOptions& options, std::vector<Checked>& results, std::vector<Issue>& shardIssues,
                      const ScanCallbacks& callbacks) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_filter_all(a.get());  // .tar.gz and friends
  const auto error = [&] {
    const char* text = archive_error_string(a.get());
    return std::string(text ? text : "unknown error");
  };
  if (archive_read_open_filename(a.get(), shard.c_str(), 1 << 16) != ARCHIVE_OK) {
    shardIssues.push_back({IssueKind::BadShard, shard, "cannot be read as a tar archive: " + error(), false});
    return 0;
  }
  std::size_t images = 0;
  Group group;
  // A sample whose members the shard's damage cut off is reported, not finished with what was read.
  const auto lostToDamage = [&](const std::string& damage) {
    if (group.imageMember.empty()) return;
    Checked lost;
    lost.issues.push_back({IssueKind::Truncated, shard + ":" + group.imageMember,
                           "the shard is damaged here (" + damage + "); this sample is skipped"});
    results.push_back(std::move(lost));
  };
  std::string damage;  // why reading stopped early
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK || status == ARCHIVE_WARN) {
    if (callbacks.cancel && callbacks.cancel->load()) throw ScanCancelled();
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    const std::size_t slash = name.rfind('/');
    const std::size_t base = slash == std::string::npos ? 0 : slash + 1;
    const std::size_t dot = name.find('.', base);
    if (dot == std::string::npos || dot == base) continue;  // no extension, or hidden
    const std::string key = name.substr(0, dot), extension = lowercase(name.substr(dot + 1));
    if (key != group.key) {
      finishGroup(group, shard, filters, out, options, results);
      group = Group();
      group.key = key;
    }
    const bool isImage = isImageExtension(extension);
    if (!isImage && extension != "txt" && extension != "json") continue;
    const std::string member = shard + ":" + name;
    if (isImage) {
      ++images;
      if (!group.imageMember.empty()) {
        Checked extra;
        extra.issues.push_back({IssueKind::Duplicate, member,
                                "is a second image of the sample " + group.key + "; only " + group.imageMember +
                                    " is used"});
        results.push_back(std::move(extra));
        continue;
      }
    }
    // Member sizes come from the header; refuse absurd ones before allocating.
    const la_int64_t size = archive_entry_size(entry);
    const std::uint64_t limit = isImage ? image::DecodeOptions().maxFileBytes : std::uint64_t(1) << 20;
    if (size < 0 || static_cast<std::uint64_t>(size) > limit) {
      const std::string problem =
          "has " + std::to_string(size) + " bytes, more than the limit of " + std::to_string(limit);
      if (isImage) {
        Checked large;
        large.issues.push_back({IssueKind::TooLarge, member, "this member " + problem});
        results.push_back(std::move(large));
        group.imageMember.clear();
        group.key.clear();  // the rest of this sample's members are ignored
      } else {
        group.problem = "its " + extension + " member " + problem;
        group.problemKind = extension == "txt" ? IssueKind::BadCaption : IssueKind::Corrupt;
      }
      continue;
    }
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    const la_ssize_t read = bytes.empty() ? 0 : archive_read_data(a.get(), bytes.data(), bytes.size());
    if (read < 0 || static_cast<std::size_t>(read) < bytes.size()) {
      damage = read < 0 ? error() : name + " ends early";
      if (isImage) group.imageMember = name;
      break;
    }
    if (isImage) {
      group.imageMember = name;
      group.image = std::move(bytes);
    } else if (extension == "txt") {
      std::string problem;
      group.caption = captionText(std::string(bytes.begin(), bytes.end()), problem);
      if (!problem.empty()) {
        group.problem = "its caption " + name + " " + problem;
        group.problemKind = IssueKind::BadCaption;
      }
    } else {
      group.json = std::string(bytes.begin(), bytes.end());
    }
  }
  if (status == ARCHIVE_FATAL && damage.empty()) damage = error();
  if (!damage.empty()) {
    lostToDamage(damage);
    shardIssues.push_back({IssueKind::BadShard, shard,
                           "is damaged after " + std::to_string(images) + " image members; the rest is not read: " +
                               damage,
                           false});
  } else {
    finishGroup(group, shard, filters, out, options, results);
    if (images == 0)
      shardIssues.push_back({IssueKind::BadShard, shard,
                             "holds no image members (png, jpg, jpeg, webp or bmp named like key.jpg)", false});
  }
  return images;
}

}  // namespace

std::vector<std::string> expandShardPattern(const std::string& pattern) {
  const std::size_t open = pattern.find('{');
  if (open == std::string::npos) {
    if (pattern.find('}') != std::string::npos) throw std::runtime_error(pattern + ": '}' without '{'");
    return {pattern};
  }
  const std::size_t close = pattern.find('}', open);
  if (close == std::string::npos) throw std::runtime_error(pattern + ": '{' without '}'");
  const std::string inside = pattern.substr(open + 1, close - open - 1);
  const std::string head = pattern.substr(0, open), tail = pattern.substr(close + 1);
  std::vector<std::string> choices;
  const std::size_t dots = inside.find("..");
  if (dots != std::string::npos) {
    const std::string from = inside.substr(0, dots), to = inside.substr(dots + 2);
    const auto digits = [](const std::string& s) {
      return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
    };
    if (!digits(from) || !digits(to) || std::stol(from) > std::stol(to) || std::stol(to) - std::stol(from) > 1000000)
      throw std::runtime_error(pattern + ": {" + inside + "} is not a range like {000..099}");
    // Zero-padded as written ({000..099}, {00..100}), as bash and Python's braceexpand do.
    const bool padded = (from.size() > 1 && from[0] == '0') || (to.size() > 1 && to[0] == '0');
    const std::size_t width = padded ? std::max(from.size(), to.size()) : 0;
    for (long i = std::stol(from); i <= std::stol(to); ++i) {
      std::string n = std::to_string(i);
      if (n.size() < width) n.insert(0, width - n.size(), '0');
      choices.push_back(n);
    }
  } else {
    std::size_t begin = 0;
    for (std::size_t comma; (comma = inside.find(',', begin)) != std::string::npos; begin = comma + 1)
      choices.push_back(inside.substr(begin, comma - begin));
    choices.push_back(inside.substr(begin));
  }
  std::vector<std::string> out;
  for (const std::string& choice : choices)
    for (std::string& rest : expandShardPattern(tail)) out.push_back(head + choice + rest);
  return out;
}

void scanShards(const DatasetOptions& options, const ScanCallbacks& callbacks, Dataset& out,
                std::vector<Checked>& results) {
  std::vector<Filter> filters;
  for (const std::string& text : options.filters) filters.push_back(parseFilter(text));
  const std::vector<std::string> shards = expandShardPattern(options.path);
  std::error_code ec;
  if (shards.size() == 1 && !std::filesystem::exists(std::filesystem::symlink_status(shards[0], ec)))
    throw std::runtime_error(options.path + ": no such file or folder");
  Concept root;
  root.repeats = options.repeats;
  out.concepts.push_back(root);

  std::vector<std::vector<Checked>> perShard(shards.size());
  std::vector<std::vector<Issue>> shardIssues(shards.size());
  std::vector<std::size_t> examined(shards.size());
  std::mutex progressMutex;
  std::size_t done = 0;
  parallelFor(shards.size(), workerCount(options), [&](std::size_t i) {
    std::error_code missing;
    if (!std::filesystem::exists(shards[i], missing))
      shardIssues[i].push_back({IssueKind::BadShard, shards[i], "this shard does not exist", false});
    else
      examined[i] = readShard(shards[i], filters, out, options, perShard[i], shardIssues[i], callbacks);
    if (callbacks.progress) {
      const std::lock_guard<std::mutex> lock(progressMutex);
      callbacks.progress(++done, shards.size());
    }
  });
  for (std::size_t i = 0; i < shards.size(); ++i) {
    out.issues.insert(out.issues.end(), shardIssues[i].begin(), shardIssues[i].end());
    for (Checked& c : perShard[i]) results.push_back(std::move(c));
    out.examined += examined[i];
  }
}

}  // namespace sds::data::detail
