#include "train/run_layout.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "config/project.h"

namespace sds::train {

namespace fs = std::filesystem;

std::string runFolderOf(const config::Project& project, const std::string& projectFile) {
  const fs::path base = projectFile.empty() ? fs::current_path() : fs::absolute(projectFile).parent_path();
  const fs::path directory(project.getString("output.directory"));
  return (directory.is_absolute() ? directory : base / directory).lexically_normal().string();
}

std::string checkpointsFolder(const std::string& run) { return (fs::path(run) / "checkpoints").string(); }
std::string samplesFolder(const std::string& run) { return (fs::path(run) / "samples").string(); }
std::string logsFolder(const std::string& run) { return (fs::path(run) / "logs").string(); }
std::string cacheFolder(const std::string& run) { return (fs::path(run) / "cache").string(); }

std::string checkpointFolderName(std::int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
  return name;
}

std::optional<std::int64_t> checkpointStep(std::string_view folder) {
  while (!folder.empty() && folder.back() == '/') folder.remove_suffix(1);
  if (const std::size_t slash = folder.rfind('/'); slash != std::string_view::npos) folder.remove_prefix(slash + 1);
  constexpr std::string_view prefix = "step-";
  if (folder.substr(0, prefix.size()) != prefix || folder.size() == prefix.size() || folder.size() > prefix.size() + 18)
    return std::nullopt;
  std::int64_t step = 0;
  for (const char c : folder.substr(prefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    step = step * 10 + (c - '0');
  }
  return step;
}

std::vector<std::string> completeCheckpoints(const std::string& checkpointsFolder) {
  std::vector<std::pair<std::int64_t, std::string>> found;
  std::error_code ec;
  if (!fs::is_directory(checkpointsFolder, ec)) return {};
  for (const fs::directory_entry& entry : fs::directory_iterator(checkpointsFolder, ec)) {
    const std::optional<std::int64_t> step = checkpointStep(entry.path().filename().string());
    if (step && fs::exists(entry.path() / kCheckpointProgressFile, ec)) found.emplace_back(*step, entry.path().string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> paths;
  for (auto& [step, path] : found) paths.push_back(std::move(path));
  return paths;
}

std::optional<std::string> latestCheckpoint(const std::string& run) {
  std::vector<std::string> all = completeCheckpoints(checkpointsFolder(run));
  if (all.empty()) return std::nullopt;
  return all.back();
}

}  // namespace sds::train
