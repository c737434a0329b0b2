#include "train/checkpoint_store.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "models/io/torch_tensors.h"
#include "train/run_layout.h"
#include "util/atomic_file.h"
#include "util/file_tree.h"
#include "util/json_integer.h"

namespace sds::train {
namespace fs = std::filesystem;
namespace {

constexpr int kFormat = 1;
constexpr const char* kTensors = "state.safetensors";
constexpr const char* kProgress = kCheckpointProgressFile;

std::string progressJson(const TrainingProgress& p, const std::string& runIdentity) {
  nlohmann::json j;
  j["format"] = kFormat;
  j["step"] = p.step;
  j["epoch"] = p.epoch;
  j["batch_in_epoch"] = p.batchInEpoch;
  j["images_seen"] = p.imagesSeen;
  j["loss_smoothed"] = p.lossSmoothed;  // written with 17 digits: read back exactly
  j["loss_scale"] = p.lossScale;
  j["loss_scale_clean_steps"] = p.lossScaleCleanSteps;
  j["global_batch_size"] = p.globalBatchSize;
  j["world_size"] = p.worldSize;
  j["run"] = runIdentity;
  return j.dump(2) + "\n";
}

void readProgress(const nlohmann::json& j, Checkpoint& c) {
  // The integers of a damaged or hand-edited file may be floats out of range: integerAt refuses them.
  if (integerOf<int>(j.at("format")) != kFormat)
    throw std::runtime_error("format " + j.at("format").dump() + " is not " + std::to_string(kFormat));
  c.progress.step = integerAt<std::int64_t>(j, "step");
  c.progress.epoch = integerAt<std::int64_t>(j, "epoch");
  c.progress.batchInEpoch = integerAt<std::int64_t>(j, "batch_in_epoch");
  c.progress.imagesSeen = integerAt<std::int64_t>(j, "images_seen");
  c.progress.lossSmoothed = j.at("loss_smoothed").get<double>();
  c.progress.lossScale = j.at("loss_scale").get<double>();
  c.progress.lossScaleCleanSteps = integerAt<std::int64_t>(j, "loss_scale_clean_steps");
  // Checkpoints from before data-parallel training: one process, batches as planned.
  c.progress.globalBatchSize = j.contains("global_batch_size") ? integerAt<std::int64_t>(j, "global_batch_size") : 0;
  c.progress.worldSize = j.contains("world_size") ? integerAt<int>(j, "world_size") : 1;
  c.runIdentity = j.at("run").get<std::string>();
}

constexpr const char* kStateFileFormat = "sdstudio-training-state";

}  // namespace

void CheckpointStore::saveStateFile(const std::string& path, const TrainingProgress& progress,
                                    const std::map<std::string, at::Tensor>& tensors, const std::string& runIdentity) {
  io::saveTensors(path, tensors, {{"format", kStateFileFormat}, {"progress", progressJson(progress, runIdentity)}});
}

Checkpoint CheckpointStore::loadStateFile(const std::string& path) {
  Checkpoint c;
  c.path = path;
  const io::SafetensorsFile file = io::SafetensorsFile::open(path);
  const auto& metadata = file.metadata();
  const auto format = metadata.find("format");
  const auto progress = metadata.find("progress");
  if (format == metadata.end() || format->second != kStateFileFormat || progress == metadata.end())
    throw std::runtime_error(path + ": not a training state file (its metadata has no format \"" +
                             std::string(kStateFileFormat) + "\" with a progress record)");
  try {
    readProgress(nlohmann::json::parse(progress->second), c);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": the progress record in its metadata is not valid: " + e.what());
  }
  for (auto& [name, tensor] : io::loadTensors(file)) c.tensors[name] = tensor.clone();
  return c;
}

CheckpointStore::CheckpointStore(std::string folder, int keepLast) : folder_(std::move(folder)), keepLast_(keepLast) {}

std::string CheckpointStore::folderName(std::int64_t step) { return checkpointFolderName(step); }

std::string CheckpointStore::save(const TrainingProgress& progress, const std::map<std::string, at::Tensor>& tensors,
                                  const std::string& runIdentity) {
  beginSave(progress.step);
  return finishSave(progress, tensors, runIdentity);
}

std::string CheckpointStore::partialFolder(std::int64_t step) const {
  return (fs::path(folder_) / (folderName(step) + ".partial")).string();
}

std::string CheckpointStore::beginSave(std::int64_t step) {
  const std::string temporary = partialFolder(step);
  std::string reason;
  if (!removeTree(temporary, &reason)) throw std::runtime_error("cannot clear " + temporary + ": " + reason);
  std::error_code ec;
  fs::create_directories(temporary, ec);
  if (ec) throw std::runtime_error("cannot create the checkpoint folder " + temporary + ": " + ec.message());
  return temporary;
}

void CheckpointStore::writeShard(std::int64_t step, int rank, const std::map<std::string, at::Tensor>& tensors) const {
  const fs::path file = fs::path(partialFolder(step)) / ("optimizer-shard-" + std::to_string(rank) + ".safetensors");
  io::saveTensors(file.string(), tensors, {{"format", "sdstudio-checkpoint-shard"}});
}

std::string CheckpointStore::finishSave(const TrainingProgress& progress, const std::map<std::string, at::Tensor>& tensors,
                                        const std::string& runIdentity) {
  const fs::path target = fs::path(folder_) / folderName(progress.step);
  const fs::path temporary = partialFolder(progress.step);
  try {
    io::saveTensors((temporary / kTensors).string(), tensors, {{"format", "sdstudio-checkpoint"}});
    writeFileAtomically((temporary / kProgress).string(), progressJson(progress, runIdentity));
    // A checkpoint of the same step (saved again after a resume) goes only once the new one is complete.
    replaceFolder(temporary.string(), target.string());
  } catch (...) {
    removeTree(temporary.string());  // the disk full, say: the partial folder would only take more room
    throw;
  }

  if (keepLast_ > 0) {
    removeRetired();
    const std::vector<std::string> all = list();
    for (std::size_t i = 0; i + static_cast<std::size_t>(keepLast_) < all.size(); ++i) retire(all[i]);
  }
  return target.string();
}

// Renamed aside before it is deleted: a kill halfway through the deletion leaves a folder no
// checkpoint name matches (removed at the next save), never a step folder with half its files.
void CheckpointStore::retire(const std::string& checkpoint) const {
  const std::string aside = checkpoint + std::string(kRetiredSuffix);
  if (::rename(checkpoint.c_str(), aside.c_str()) != 0) return;  // still listed: tried again at the next save
  removeTree(aside);
}

// Also what replaceFolder set aside (".old") when a checkpoint of the same step was saved again.
void CheckpointStore::removeRetired() const {
  const auto endsWith = [](const std::string& name, std::string_view suffix) {
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  std::vector<std::string> leftovers;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder_, ec)) {
    const std::string name = entry.path().filename().string();
    if (endsWith(name, kRetiredSuffix) || endsWith(name, ".old")) leftovers.push_back(entry.path().string());
  }
  for (const std::string& path : leftovers) removeTree(path);
}

std::vector<std::string> CheckpointStore::list() const { return completeCheckpoints(folder_); }

std::optional<std::string> CheckpointStore::latest() const {
  std::vector<std::string> all = list();
  if (all.empty()) return std::nullopt;
  return all.back();
}

Checkpoint CheckpointStore::load(const std::string& path) {
  Checkpoint c;
  c.path = path;
  const fs::path progressFile = fs::path(path) / kProgress;
  if (!fs::is_directory(path))
    throw std::runtime_error(path + ": not a checkpoint folder (expected a folder such as checkpoints/" +
                             folderName(500) + ")");
  try {
    readProgress(nlohmann::json::parse(readFile(progressFile.string())), c);
  } catch (const std::exception& e) {
    throw std::runtime_error(progressFile.string() + " is not a valid checkpoint record: " + e.what());
  }
  // Clones: the checkpoint outlives the file mapping, and training modifies these tensors.
  for (auto& [name, tensor] : io::loadTensors((fs::path(path) / kTensors).string())) c.tensors[name] = tensor.clone();
  // Optimizer state that sharded ranks wrote beside it: together with the main file, the whole state.
  for (const auto& entry : fs::directory_iterator(path)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("optimizer-shard-", 0) != 0 || entry.path().extension() != ".safetensors") continue;
    for (auto& [name, tensor] : io::loadTensors(entry.path().string())) c.tensors[name] = tensor.clone();
  }
  return c;
}

}  // namespace sds::train
