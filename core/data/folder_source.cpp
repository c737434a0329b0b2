// Folder datasets as users make them: name.png + name.txt side by side, any depth; each folder with
// images is a concept ("10_sks dog": 10 repeats, default caption "sks dog"; concept.toml overrides).

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "data/sources.h"

namespace sds::data::detail {
namespace {

namespace fs = std::filesystem;

bool isImageName(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".webp";
}

bool hidden(const fs::path& path) { return path.filename().string().rfind('.', 0) == 0; }

// Reads a whole file; false with `problem` set when it cannot be read.
bool readBytes(const fs::path& path, std::string& out, std::string& problem) {
  std::error_code ec;
  if (fs::is_symlink(path, ec) && !fs::exists(path, ec)) {
    problem = "is a broken symbolic link";
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
  c.folder = fs::relative(folder, root).generic_string();
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

  // Walk the tree without following folder links (no cycles), reporting folders that cannot be read.
  std::vector<fs::path> images;
  std::vector<fs::path> folders{root};
  for (std::size_t f = 0; f < folders.size(); ++f) {
    fs::directory_iterator it(folders[f], ec), end;
    if (ec) {
      out.issues.push_back({IssueKind::Unreadable, folders[f].string(), "this folder cannot be read: " + ec.message()});
      continue;
    }
    for (; it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      if (hidden(p)) continue;
      std::error_code typeError;
      if (it->is_directory(typeError) && !it->is_symlink(typeError))
        folders.push_back(p);
      else if (isImageName(p))
        images.push_back(p);
    }
    if (ec) out.issues.push_back({IssueKind::Unreadable, folders[f].string(), "listing this folder failed: " + ec.message()});
  }
  std::sort(images.begin(), images.end());

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
    c.captionSource = (folder / (image.stem().string() + options.captionExtension)).string();
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
    if (fs::exists(c.captionSource, exists)) {
      if (!readBytes(c.captionSource, captionBytes, problem)) {
        result.issues.push_back({IssueKind::BadCaption, c.captionSource, "this caption file " + problem});
      } else if (const auto text = captionText(captionBytes, problem)) {
        c.caption = *text;
      } else {
        result.issues.push_back({IssueKind::BadCaption, c.captionSource, "this caption file " + problem});
      }
    }
    if (result.issues.empty()) {
      std::string bytes;
      if (!readBytes(c.image.path, bytes, problem)) {
        result.issues.push_back({IssueKind::Unreadable, c.image.path, "this file " + problem});
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
