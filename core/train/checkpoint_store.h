#pragma once
// Training checkpoints: the complete state of a run in one folder per step, from which it resumes
// exactly. <run>/checkpoints/step-00000500/ holds
//   state.safetensors  trained weights ("model/…"), optimizer state ("optimizer/…"), EMA ("ema/…")
//   progress.json      step, epoch, position in the epoch, smoothed loss, loss scale, and the run's
//                      identity (settings that must not change across a resume)
// A checkpoint is written into a temporary folder and renamed into place, so a crash never leaves a
// half-written one; only folders with progress.json count. The newest `keepLast` are kept; older ones
// are renamed aside before they are deleted, so a kill never leaves a step folder half removed.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sds::train {

struct TrainingProgress {
  std::int64_t step = 0;          // optimizer steps done
  std::int64_t epoch = 0;         // current epoch (0-based)
  std::int64_t batchInEpoch = 0;  // micro-batches of that epoch consumed
  std::int64_t imagesSeen = 0;
  double lossSmoothed = 0;
  double lossScale = 1;
  std::int64_t lossScaleCleanSteps = 0;
  std::int64_t globalBatchSize = 0;  // micro-batch rows of all ranks together (0: not recorded)
  int worldSize = 1;                 // ranks of the run that wrote it
};

struct Checkpoint {
  std::string path;
  TrainingProgress progress;
  std::string runIdentity;
  std::map<std::string, at::Tensor> tensors;
};

class CheckpointStore {
 public:
  CheckpointStore(std::string folder, int keepLast);

  const std::string& folder() const { return folder_; }

  // Writes a checkpoint for progress.step, then removes the oldest beyond keepLast (0 keeps all).
  // Returns its path. Throws std::runtime_error naming the folder; earlier checkpoints stay intact.
  std::string save(const TrainingProgress& progress, const std::map<std::string, at::Tensor>& tensors,
                   const std::string& runIdentity);

  // The same in steps, for ranks that each hold part of the optimizer state (ZeRO-1): rank 0 begins
  // (an empty partial folder), every other rank writes its shard into it, rank 0 finishes (its own
  // tensors, the progress record, the rename). load() reads the shards back with the main file.
  std::string beginSave(std::int64_t step);
  void writeShard(std::int64_t step, int rank, const std::map<std::string, at::Tensor>& tensors) const;
  std::string finishSave(const TrainingProgress& progress, const std::map<std::string, at::Tensor>& tensors,
                         const std::string& runIdentity);

  // Complete checkpoints, oldest first.
  std::vector<std::string> list() const;
  std::optional<std::string> latest() const;

  // Reads a checkpoint folder. Throws std::runtime_error naming the file and what is wrong.
  static Checkpoint load(const std::string& path);

  static std::string folderName(std::int64_t step);

  // The whole state in one file (what a swarm peer serves to newcomers): a checkpoint's tensors with
  // its progress record in the file's metadata, written atomically.
  static void saveStateFile(const std::string& path, const TrainingProgress& progress,
                            const std::map<std::string, at::Tensor>& tensors, const std::string& runIdentity);
  // Throws std::runtime_error naming the file and what is wrong.
  static Checkpoint loadStateFile(const std::string& path);

 private:
  std::string partialFolder(std::int64_t step) const;
  void retire(const std::string& checkpoint) const;  // removes an old checkpoint
  void removeRetired() const;                          // what a kill left of earlier removals

  static constexpr std::string_view kRetiredSuffix = ".removing";

  std::string folder_;
  int keepLast_;
};

}  // namespace sds::train
