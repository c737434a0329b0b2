#pragma once
// The layout of a run folder, one description for the trainer that writes it and the studio that
// reads it (torch-free):
//   <run>/checkpoints/step-00000500/   a complete checkpoint: state.safetensors and progress.json
//   <run>/checkpoints/step-00000500.partial/   one being written (never counts)
//   <run>/samples/  <run>/logs/  <run>/cache/
// The run folder is the project's output.directory, relative to the project file's folder.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sds::config {
class Project;
}

namespace sds::train {

// output.directory of `project`, made absolute against the folder of `projectFile` (the current
// folder when it is empty).
std::string runFolderOf(const config::Project& project, const std::string& projectFile);

std::string checkpointsFolder(const std::string& run);
std::string samplesFolder(const std::string& run);
std::string logsFolder(const std::string& run);
std::string cacheFolder(const std::string& run);

// "step-00000500": zero-padded, so that names sort as steps in file managers too.
std::string checkpointFolderName(std::int64_t step);
// The step of a checkpoint folder named step-N (the name or a path ending in it); nullopt for other
// names, a folder being written (".partial") included.
std::optional<std::int64_t> checkpointStep(std::string_view folder);
// The file whose presence makes a checkpoint folder complete (written last).
inline constexpr const char* kCheckpointProgressFile = "progress.json";

// The complete checkpoints in a checkpoints folder, by step, oldest first.
std::vector<std::string> completeCheckpoints(const std::string& checkpointsFolder);
// The newest complete checkpoint of a run folder.
std::optional<std::string> latestCheckpoint(const std::string& run);

}  // namespace sds::train
