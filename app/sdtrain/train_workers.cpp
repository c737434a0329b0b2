#include "train_workers.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include "exit_codes.h"
#include "runtime/device.h"
#include "runtime/process_group.h"
#include "runtime/worker_group.h"
#include "train/checkpoint_store.h"
#include "train/process_group_sync.h"
#ifdef SDS_HAVE_SWARM
#include "train_swarm.h"
#endif
#include "util/log.h"

namespace sds::cli {
namespace {

std::string joined(const std::vector<int>& values) {
  std::string out;
  for (int v : values) out += (out.empty() ? "" : ",") + std::to_string(v);
  return out;
}

// The running launcher's workers, for the signal handler.
std::atomic<runtime::WorkerGroup*> activeWorkers{nullptr};

// First Ctrl+C / SIGTERM: every worker stops after the current step and rank 0 writes a checkpoint
// (a terminal's Ctrl+C reaches the workers too; a second signal to a worker changes nothing). A second
// Ctrl+C ends all at once.
extern "C" void onLauncherSignal(int signal) {
  static volatile std::sig_atomic_t received = 0;
  runtime::WorkerGroup* workers = activeWorkers.load();
  if (received && signal == SIGINT) {
    if (workers) workers->signalAll(SIGKILL);
    std::_Exit(130);
  }
  received = 1;
  if (workers) workers->signalAll(SIGTERM);
}

std::vector<std::string> workerArguments(const TrainOptions& options) {
  std::vector<std::string> args{selfExecutable(), "--events", "jsonl", "--log-level",
                                std::string(log::levelName(log::level())), "train", options.project};
  if (!options.resume.empty()) args.insert(args.end(), {"--resume", options.resume});
  if (options.maxSteps > 0) args.insert(args.end(), {"--max-steps", std::to_string(options.maxSteps)});
  if (!options.outputDirectory.empty()) args.insert(args.end(), {"--output", options.outputDirectory});
  // Rank 0 joins the swarm for the workers: it needs the command line's swarm settings too.
  for (const std::string& peer : options.swarmPeers) args.insert(args.end(), {"--swarm-peer", peer});
  if (!options.swarmKey.empty()) args.insert(args.end(), {"--swarm-key", options.swarmKey});
  if (options.swarmPort >= 0) args.insert(args.end(), {"--swarm-port", std::to_string(options.swarmPort)});
  return args;
}

log::Level levelOf(const std::string& name) { return log::parseLevel(name).value_or(log::Level::Info); }

}  // namespace

std::string selfExecutable() {
  char path[4096];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw std::runtime_error("cannot find sdtrain's own executable to start the workers");
  return std::string(path, static_cast<std::size_t>(n));
}

void keepOnlyThisRanksGpu(int localRank) {
  std::string visible;
  if (const char* list = std::getenv("CUDA_VISIBLE_DEVICES")) {
    std::vector<std::string> items;
    std::string item;
    for (const char c : std::string(list) + ",") {
      if (c == ',') {
        if (!item.empty()) items.push_back(item);
        item.clear();
      } else {
        item += c;
      }
    }
    if (items.size() == 1) {  // the scheduler bound this rank to one GPU already
      localRank = 0;
    } else if (static_cast<std::size_t>(localRank) >= items.size()) {
      throw std::invalid_argument("LOCAL_RANK " + std::to_string(localRank) + " has no GPU in CUDA_VISIBLE_DEVICES=" + list);
    }
    visible = items[static_cast<std::size_t>(localRank)];
  } else {
    visible = std::to_string(localRank);
  }
  ::setenv("CUDA_VISIBLE_DEVICES", visible.c_str(), 1);
}

std::map<std::string, std::string> localWorkerEnvironment(int rank, int count, int port, const std::vector<int>& gpus) {
  std::map<std::string, std::string> env{{"RANK", std::to_string(rank)},
                                         {"WORLD_SIZE", std::to_string(count)},
                                         {"LOCAL_RANK", std::to_string(rank)},
                                         {"LOCAL_WORLD_SIZE", std::to_string(count)},
                                         {"MASTER_ADDR", "127.0.0.1"},
                                         {"MASTER_PORT", std::to_string(port)}};
  if (!gpus.empty()) env["CUDA_VISIBLE_DEVICES"] = joined(gpus);
  return env;
}

runtime::GroupOptions groupOptionsFor(const runtime::WorkerPlace& place, runtime::Backend backend,
                                      std::chrono::milliseconds timeout) {
  runtime::GroupOptions o;
  o.backend = backend;
  o.masterAddress = place.masterAddress;
  o.masterPort = place.masterPort;
  o.rank = place.rank;
  o.worldSize = place.worldSize;
  o.timeout = timeout;
  o.storeHostedElsewhere = place.storeHostedByLauncher;
  return o;
}

LocalWorkers localWorkersFor(const train::TrainSettings& settings, const TrainOptions& options) {
  LocalWorkers w;
  const c10::Device device = runtime::resolveDevice(settings.device, "training.device = \"" + settings.device + "\"");
  if (device.is_cuda()) {
    const std::string selection = options.gpus.empty() ? settings.gpus : options.gpus;
    const std::string what = options.gpus.empty() ? "distributed.gpus" : "--gpus";
    try {
      w.gpus = runtime::parseGpuSelection(selection, static_cast<int>(torch::cuda::device_count()));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(what + ": " + e.what());
    }
    if (w.gpus.empty()) throw std::invalid_argument(what + " selects no GPU");
    w.count = static_cast<int>(w.gpus.size());
  } else {
    w.count = options.cpuProcesses > 0 ? options.cpuProcesses : settings.cpuProcesses;
  }
  return w;
}

train::TrainResult trainAsRank(Reporter& reporter, const train::TrainSettings& settings, const runtime::WorkerPlace& place,
                               train::TrainerControl& control, const train::TrainerCallbacks& callbacks) {
  train::TrainResult failed;
  try {
    if (settings.device != "cpu") keepOnlyThisRanksGpu(place.localRank);
    // GPUs exchange through NCCL; CPU ranks through Gloo.
    const c10::Device device = runtime::resolveDevice(settings.device, "training.device = \"" + settings.device + "\"");
    const runtime::GroupOptions o =
        groupOptionsFor(place, device.is_cuda() ? runtime::Backend::Nccl : runtime::Backend::Gloo,
                        std::chrono::milliseconds(static_cast<std::int64_t>(settings.exchangeTimeoutSeconds * 1000)));
    // CPU ranks of one machine share its cores rather than each taking all of them.
    if (!device.is_cuda())
      at::set_num_threads(std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / place.localWorldSize));
    log::info("rank " + std::to_string(place.rank) + " of " + std::to_string(place.worldSize) + " (" + place.launcher +
              "), joining the " + (device.is_cuda() ? "NCCL" : "Gloo") + " group at " + place.masterAddress + ":" +
              std::to_string(place.masterPort));
    auto sync = std::make_unique<train::ProcessGroupGradientSync>(runtime::ProcessGroup::join(o));
#ifdef SDS_HAVE_SWARM
    // The ranks of one machine are one swarm peer together (joined now, or later by command), unless
    // each holds only a share of the optimizer's state. Every rank must decide alike, and launchers
    // do not always tell each rank how many share its machine: the ranks agree on it.
    std::vector<double> oneMachine{place.worldSize == place.localWorldSize ? 1.0 : 0.0};
    sync->averageValues(oneMachine);
    if (oneMachine[0] == 1.0 && !settings.shardOptimizer) {
      std::optional<train::TrainResult> result = trainRankAsSwarmPeer(reporter, settings, std::move(sync), control, callbacks);
      if (result) return *result;
      train::TrainResult refused;  // rank 0 has given the error event
      refused.message = "cannot join the swarm";
      return refused;
    }
    if (settings.swarm.enabled) {
      train::TrainResult refused;
      refused.message = "a swarm peer is one machine; this group has ranks on several (" + place.launcher + ")";
      if (place.rank != 0) {
        refused.groupLost = true;  // rank 0 says why
        return refused;
      }
      reporter.fail(refused.message, "start one swarm peer on each machine, each training on its own GPUs");
      return refused;
    }
#endif
    return train::runTraining(settings, control, callbacks, sync.get());
  } catch (const std::exception& e) {
    failed.message = e.what();
  }
  failed.groupLost = true;
  reporter.fail(failed.message, "check that every rank was started with the same MASTER_ADDR, MASTER_PORT and "
                                "WORLD_SIZE, and that the master's port is free and reachable");
  return failed;
}

int launchLocalWorkers(Reporter& reporter, const TrainOptions& options, const train::TrainSettings& settings,
                       const LocalWorkers& workers, const std::function<void(const protocol::Event&)>& show) {
  const int port = runtime::pickFreePort();
  std::vector<runtime::WorkerSpec> specs;
  for (int rank = 0; rank < workers.count; ++rank) {
    runtime::WorkerSpec spec;
    spec.arguments = workerArguments(options);
    spec.environment = localWorkerEnvironment(rank, workers.count, port, workers.gpus);
    specs.push_back(std::move(spec));
  }
  log::info(workers.gpus.empty() ? "training with " + std::to_string(workers.count) + " CPU processes"
                                 : "training on GPUs " + joined(workers.gpus) + ", one process each");

  std::signal(SIGPIPE, SIG_IGN);  // a worker that has ended must not take the launcher with it
  const auto grace = std::chrono::milliseconds(static_cast<std::int64_t>(settings.exchangeTimeoutSeconds * 1000));
  auto group = std::make_shared<runtime::WorkerGroup>(specs, grace);
  activeWorkers = group.get();
  for (int rank = 0; rank < workers.count; ++rank)
    log::debug("rank " + std::to_string(rank) + " is process " + std::to_string(group->pids()[static_cast<std::size_t>(rank)]));
  std::signal(SIGINT, onLauncherSignal);
  std::signal(SIGTERM, onLauncherSignal);
  if (reporter.mode() == Reporter::Mode::Jsonl) {
    // The studio's commands go to rank 0, which shares them with the others at the next step.
    std::thread([group] {
      std::string line;
      while (std::getline(std::cin, line)) group->sendLine(line);
    }).detach();
  }

  std::map<int, protocol::ErrorEvent> errors;  // each rank's own error, held until all have ended
  std::vector<runtime::WorkerExit> order;
  runtime::WorkerGroupCallbacks callbacks;
  callbacks.line = [&](int rank, const std::string& line) {
    const std::optional<protocol::Event> event = protocol::decodeEvent(line);
    const std::string mark = "[rank " + std::to_string(rank) + "] ";
    if (!event) {
      log::info(mark + line);
    } else if (const auto* logEvent = std::get_if<protocol::LogEvent>(&*event)) {
      log::write(levelOf(logEvent->level), mark + logEvent->message);
    } else if (const auto* error = std::get_if<protocol::ErrorEvent>(&*event)) {
      errors[rank] = *error;
    } else if (rank == 0) {
      show(*event);
    }
  };
  callbacks.exited = [&](const runtime::WorkerExit& e) { order.push_back(e); };
  callbacks.isFailure = [](const runtime::WorkerExit& e) {
    return e.signalled || (e.code != kExitOk && e.code != kExitStopped);
  };
  const std::vector<runtime::WorkerExit> exits = group->run(callbacks);
  activeWorkers = nullptr;

  // The rank that failed first for a reason of its own (not because another rank had gone).
  std::optional<runtime::WorkerExit> culprit;
  for (const runtime::WorkerExit& e : order)
    if (e.signalled || (e.code != kExitOk && e.code != kExitStopped && e.code != kExitGroupLost)) {
      culprit = e;
      break;
    }
  if (!culprit) {
    if (errors.count(0)) {
      reporter.emit(errors[0]);
      return exits[0].signalled ? kExitFailure : exits[0].code;
    }
    for (const runtime::WorkerExit& e : exits)
      if (e.signalled || (e.code != kExitOk && e.code != kExitStopped)) {
        reporter.emit(errors.count(e.rank) ? errors[e.rank]
                                           : protocol::ErrorEvent{"rank " + std::to_string(e.rank) + " " + e.describe(), {}, false, {}});
        return kExitFailure;
      }
    return exits[0].code;
  }

  protocol::ErrorEvent error;
  const std::string rank = "rank " + std::to_string(culprit->rank);
  if (errors.count(culprit->rank)) {
    error = errors[culprit->rank];
    error.message = rank + ": " + error.message;
  } else {
    error.message = rank + " " + culprit->describe() + "; the other ranks were stopped";
  }
  if (errors.count(0) && !errors[0].checkpoint.empty()) {
    error.checkpoint = errors[0].checkpoint;
  } else if (const std::optional<std::string> latest = train::CheckpointStore(settings.checkpointsFolder(), 0).latest()) {
    error.checkpoint = *latest;
  }
  error.resumable = !error.checkpoint.empty();
  if (error.resumable && error.hint.find(error.checkpoint) == std::string::npos)
    error.hint += std::string(error.hint.empty() ? "" : "; then ") + "resume from " + error.checkpoint +
                  " (sdtrain train " + options.project + " --resume latest)";
  reporter.emit(error);
  return kExitFailure;
}

}  // namespace sds::cli
