// Folder datasets as users make them: name.png + name.txt side by side, any depth; each folder with
// images is a concept ("10_sks dog": 10 repeats, default caption "sks dog"; concept.toml overrides).

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "data/sources.h"

namespace sds::data::detail {
namespace {

namespace fs = std::filesystem;

bool isImageName(const fs::path& path) {
  std::string ext = path.extension().string();
  if (ext.size() < 2) return false;
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return isImageExtension(ext.substr(1));
}

bool hidden(const fs::path& path) { return path.filename().string().rfind('.', 0) == 0; }

// Why a file cannot be read, or "" when it can be opened as a regular file. Pipes, devices and
// folders are refused before opening, so nothing blocks.
std::string unreadableReason(const fs::path& path) {
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  if (ec) return "cannot be examined: " + ec.message();
  const fs::file_status target = fs::status(path, ec);
  if (fs::is_symlink(link) && (ec || !fs::exists(target))) {
    std::error_code readError;
    const fs::path to = fs::read_symlink(path, readError);
    return "is a broken symbolic link" + (readError ? std::string() : " to " + to.string());
  }
  if (ec) return "cannot be examined: " + ec.message();
  if (fs::is_directory(target)) return "is a folder, not a file";
  if (!fs::is_regular_file(target)) return "is not a regular file (a pipe, socket or device)";
  return {};
}

// Reads a whole file of at most `maxBytes`; false with `problem` set (and `tooLarge` for a file over
// the limit) when it cannot be read.
bool readBytes(const fs::path& path, std::uint64_t maxBytes, std::string& out, std::string& problem,
               bool* tooLarge = nullptr) {
  problem = unreadableReason(path);
  if (!problem.empty()) return false;
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > maxBytes) {
    problem = "has " + std::to_string(size) + " bytes, more than the limit of " + std::to_string(maxBytes);
    if (tooLarge) *tooLarge = true;
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = "cannot be opened (check its permissions)";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    problem = "cannot be read";
    return false;
  }
  out = buffer.str();
  return true;
}

// The concept of one folder: its name's repeats and caption, then concept.toml's settings.
Concept readConcept(const fs::path& root, const fs::path& folder, const DatasetOptions& options,
                    std::vector<Issue>& issues) {
  Concept c;
  c.folder = folder.lexically_relative(root).generic_string();  // a linked folder keeps its name
  if (c.folder == ".") c.folder.clear();
  c.repeats = options.repeats;
  const std::string name = folder.filename().string();
  const std::size_t underscore = name.find('_');
  if (!c.folder.empty() && underscore != std::string::npos && underscore > 0 && underscore <= 5 &&
      std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(underscore), [](unsigned char ch) { return std::isdigit(ch); })) {
    c.repeats = std::max(1, std::stoi(name.substr(0, underscore)));
    c.defaultCaption = name.substr(underscore + 1);
  }
  const fs::path file = folder / "concept.toml";
  std::error_code ec;
  if (!fs::exists(file, ec)) return c;
  try {
    const toml::table table = toml::parse_file(file.string());
    for (const auto& [key, value] : table) {
      const std::string k(key.str());
      const auto where = file.string() + ":" + std::to_string(value.source().begin.line);
      if (k == "repeats" && value.is_integer() && *value.value<int64_t>() >= 1 && *value.value<int64_t>() <= 10000)
        c.repeats = static_cast<int>(*value.value<int64_t>());
      else if (k == "caption_prefix" && value.is_string())
        c.captionPrefix = *value.value<std::string>();
      else if (k == "default_caption" && value.is_string())
        c.defaultCaption = *value.value<std::string>();
      else if (k == "repeats" || k == "caption_prefix" || k == "default_caption")
        issues.push_back({IssueKind::BadConcept, where,
                          k + ": expected " + (k == "repeats" ? "an integer from 1 to 10000" : "a string") +
                              "; the setting is ignored",
                          false});
      else
        issues.push_back({IssueKind::BadConcept, where,
                          "unknown setting \"" + k + "\"; expected repeats, caption_prefix or default_caption", false});
    }
  } catch (const toml::parse_error& e) {
    issues.push_back({IssueKind::BadConcept,
                      file.string() + ":" + std::to_string(e.source().begin.line) + ":" +
                          std::to_string(e.source().begin.column),
                      std::string(e.description()) + "; the folder's concept settings are ignored", false});
  }
  return c;
}

}  // namespace

void scanFolder(const DatasetOptions& options, const ScanCallbacks& callbacks, Dataset& out,
                std::vector<Checked>& results) {
  const fs::path root(options.path);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw std::runtime_error(options.path + ": not a folder");

  // Walk the tree, reporting folders that cannot be read. Hidden files and folders (".name") are not
  // part of it. Links to folders are followed after every real folder, and each real folder is visited
  // once, so a link to a folder inside the dataset adds nothing and a link loop ends.
  std::vector<fs::path> images;
  std::deque<fs::path> folders{root}, links;
  std::set<fs::path> visited{fs::weakly_canonical(root, ec)};
  while (!folders.empty() || !links.empty()) {
    fs::path folder;
    if (!folders.empty()) {
      folder = std::move(folders.front());
      folders.pop_front();
    } else {
      folder = std::move(links.front());
      links.pop_front();
      std::error_code canonicalError;
      if (!visited.insert(fs::weakly_canonical(folder, canonicalError)).second) continue;
    }
    std::vector<fs::directory_entry> entries;
    fs::directory_iterator it(folder, ec), end;
    if (ec) {
      out.issues.push_back({IssueKind::Unreadable, folder.string(),
                            "this folder cannot be read: " + ec.message() + "; its images are not examined", false});
      continue;
    }
    for (; it != end; it.increment(ec)) entries.push_back(*it);
    if (ec)
      out.issues.push_back({IssueKind::Unreadable, folder.string(),
                            "listing this folder failed: " + ec.message() + "; some images may be missing", false});
    std::sort(entries.begin(), entries.end());
    for (const fs::directory_entry& entry : entries) {
      const fs::path& p = entry.path();
      if (hidden(p)) continue;
      std::error_code typeError;
      if (entry.is_directory(typeError)) {
        if (entry.is_symlink(typeError)) {
          links.push_back(p);
        } else {
          std::error_code canonicalError;
          if (visited.insert(fs::weakly_canonical(p, canonicalError)).second) folders.push_back(p);
        }
      } else if (isImageName(p)) {
        images.push_back(p);
      }
    }
  }
  std::sort(images.begin(), images.end());

  // "txt" means ".txt".
  std::string captionExtension = options.captionExtension;
  if (!captionExtension.empty() && captionExtension.front() != '.') captionExtension.insert(0, ".");
  std::map<fs::path, std::size_t> conceptOf;
  std::vector<Candidate> candidates;
  for (const fs::path& image : images) {
    const fs::path folder = image.parent_path();
    auto it = conceptOf.find(folder);
    if (it == conceptOf.end()) {
      out.concepts.push_back(readConcept(root, folder, options, out.issues));
      it = conceptOf.emplace(folder, out.concepts.size() - 1).first;
    }
    Candidate c;
    c.image.path = image.string();
    c.captionSource = (folder / (image.stem().string() + captionExtension)).string();
    c.concept = it->second;
    candidates.push_back(std::move(c));
  }
  out.examined = candidates.size();

  results.assign(candidates.size(), {});
  std::mutex progressMutex;
  std::size_t done = 0;
  parallelFor(candidates.size(), workerCount(options), [&](std::size_t i) {
    if (callbacks.cancel && callbacks.cancel->load()) throw ScanCancelled();
    Candidate& c = candidates[i];
    Checked& result = results[i];
    std::string captionBytes, problem;
    std::error_code exists;
    image::DecodeOptions limits;
    if (!fs::exists(fs::symlink_status(c.captionSource, exists))) {
      // Captions saved on Windows are often name.TXT.
      std::string upper = c.captionSource.substr(0, c.captionSource.size() - captionExtension.size()) + captionExtension;
      std::transform(upper.end() - static_cast<std::ptrdiff_t>(captionExtension.size()), upper.end(),
                     upper.end() - static_cast<std::ptrdiff_t>(captionExtension.size()),
                     [](unsigned char ch) { return std::toupper(ch); });
      if (fs::exists(fs::symlink_status(upper, exists))) c.captionSource = upper;
    }
    if (fs::exists(fs::symlink_status(c.captionSource, exists))) {
      // The image is skipped when its caption file cannot be used: training it with another caption
      // than the one written would be wrong.
      if (!readBytes(c.captionSource, 1 << 20, captionBytes, problem)) {
        result.issues.push_back({IssueKind::BadCaption, c.image.path,
                                 "its caption file " + c.captionSource + " " + problem});
      } else if (const auto text = captionText(captionBytes, problem)) {
        c.caption = *text;
      } else {
        result.issues.push_back({IssueKind::BadCaption, c.image.path,
                                 "its caption file " + c.captionSource + " " + problem});
      }
    }
    if (result.issues.empty()) {
      std::string bytes;
      bool tooLarge = false;
      if (!readBytes(c.image.path, limits.maxFileBytes, bytes, problem, &tooLarge)) {
        result.issues.push_back(
            {tooLarge ? IssueKind::TooLarge : IssueKind::Unreadable, c.image.path, "this file " + problem});
      } else {
        result = checkCandidate(c, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), out.concepts,
                                options);
      }
    }
    if (callbacks.progress) {
      const std::lock_guard<std::mutex> lock(progressMutex);
      callbacks.progress(++done, candidates.size());
    }
  });
}

}  // namespace sds::data::detail
