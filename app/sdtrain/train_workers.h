#pragma once
// Data-parallel `sdtrain train`: this process as one rank of a group (started by torchrun, SLURM or
// our own launcher), or the launcher of one worker per local GPU or CPU process. docs/distributed.md.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "protocol/events.h"
#include "runtime/distributed_env.h"
#include "runtime/process_group.h"
#include "train/train_settings.h"
#include "train/trainer.h"

namespace sds::cli {

// The local workers a run asks for: GPU indices (one worker each), or CPU processes. Throws
// std::invalid_argument for a GPU selection this machine cannot give, naming the setting.
struct LocalWorkers {
  std::vector<int> gpus;  // empty: CPU workers
  int count = 1;
};
LocalWorkers localWorkersFor(const train::TrainSettings& settings, const TrainOptions& options);

// Starts the workers, shows rank 0's events through `show` (and every rank's log lines, marked with
// the rank), passes stdin's commands to rank 0 and signals to all, and ends all when one fails.
// Returns the exit code; a failure gives one error event naming the rank and the checkpoint.
int launchLocalWorkers(Reporter& reporter, const TrainOptions& options, const train::TrainSettings& settings,
                       const LocalWorkers& workers, const std::function<void(const protocol::Event&)>& show);

// Before anything initialises CUDA: only the GPU this local rank names stays visible (among
// CUDA_VISIBLE_DEVICES, or the one GPU a scheduler bound the process to). Throws std::invalid_argument
// when there is none for it.
void keepOnlyThisRanksGpu(int localRank);

// The torchrun variables of local worker `rank` of `count`, meeting at 127.0.0.1:`port`, on `gpus`
// (empty: CPU workers).
std::map<std::string, std::string> localWorkerEnvironment(int rank, int count, int port, const std::vector<int>& gpus);

// The group options for the place a launcher's variables name.
runtime::GroupOptions groupOptionsFor(const runtime::WorkerPlace& place, runtime::Backend backend,
                                      std::chrono::milliseconds timeout);

// This program, to start as a worker.
std::string selfExecutable();

// Joins the group `place` describes and trains as its rank; returns what runTraining returned, or a
// failed result when the group cannot be formed (the error event already given).
train::TrainResult trainAsRank(Reporter& reporter, const train::TrainSettings& settings, const runtime::WorkerPlace& place,
                               train::TrainerControl& control, const train::TrainerCallbacks& callbacks);

}  // namespace sds::cli
