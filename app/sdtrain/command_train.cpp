// sdtrain train PROJECT.toml: trains as the project file says, reporting progress as text or protocol
// events, taking commands on stdin (jsonl mode) and stopping cleanly on Ctrl+C and SIGTERM.

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "config/project.h"
#include "exit_codes.h"
#include "protocol/command_reader.h"
#include "runtime/device.h"
#include "train/trainer.h"
#include "train_workers.h"
#ifdef SDS_HAVE_SWARM
#include "served_data/served_dataset.h"
#include "train_swarm.h"
#endif
#include "util/log.h"

namespace sds::cli {
namespace {

// The run in progress, for the signal handler (a lock-free pointer) and for commands (the demo runs two
// trainings in one process, and stdin has one reader for both).
std::atomic<train::TrainerControl*> activeControl{nullptr};
std::mutex activeRunMutex;
std::shared_ptr<train::TrainerControl> activeRun;

// First Ctrl+C / SIGTERM: stop after the current step with a checkpoint. A second Ctrl+C ends at once.
extern "C" void onStopSignal(int signal) {
  static volatile std::sig_atomic_t received = 0;
  if (received && signal == SIGINT) std::_Exit(130);
  received = 1;
  if (train::TrainerControl* control = activeControl.load()) control->requestStop(true);
}

// Commands arrive on stdin from the studio or a script, for whichever run is in progress. The reader
// lives until the process ends (stdin may stay open after the last run).
void readCommandsFromStdin() {
  static protocol::CommandReader* reader = [] {
    auto* r = new protocol::CommandReader(std::cin, [](const protocol::Command& c) {
      using Kind = protocol::Command::Kind;
      if (c.kind == Kind::SwarmJoin || c.kind == Kind::SwarmLeave) {
#ifdef SDS_HAVE_SWARM
        if (applySwarmCommand(c)) return;
        log::error(std::string("ignored ") + std::string(protocol::commandName(c.kind)) +
                   ": no training of this process can take part in a swarm");
#else
        log::error(std::string("ignored ") + std::string(protocol::commandName(c.kind)) +
                   ": this sdtrain was built without the swarm");
#endif
        return;
      }
      std::lock_guard<std::mutex> lock(activeRunMutex);
      if (activeRun) activeRun->apply(c);
    });
    r->detach();
    return r;
  }();
  (void)reader;
}

std::string formatDuration(double seconds) {
  const long s = static_cast<long>(seconds);
  char text[32];
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  return text;
}

// Text mode: a progress line every 2 % of the run (and the first step), plus the results.
class TextProgress {
 public:
  explicit TextProgress(Reporter& reporter) : reporter_(reporter) {}
  void operator()(const protocol::Event& event) {
    if (const auto* e = std::get_if<protocol::StepEvent>(&event)) {
      const std::int64_t every = std::max<std::int64_t>(1, e->total_steps / 50);
      if (e->step != 1 && e->step % every != 0 && e->step != e->total_steps) return;
      char line[200];
      std::snprintf(line, sizeof line, "step %lld/%lld  loss %.4f (smoothed %.4f)  lr %.3g  grad %.3g  %.1f img/s  ETA %s",
                    static_cast<long long>(e->step), static_cast<long long>(e->total_steps), e->loss,
                    e->loss_smoothed, e->lr, e->grad_norm, e->images_per_s, formatDuration(e->eta_s).c_str());
      reporter_.say(line);
    } else if (const auto* v = std::get_if<protocol::ValidationEvent>(&event)) {
      reporter_.say("validation loss at step " + std::to_string(v->step) + ": " + std::to_string(v->loss));
    } else if (const auto* sample = std::get_if<protocol::SampleEvent>(&event)) {
      reporter_.say("sample: " + sample->path + "  (" + sample->prompt + ")");
    } else if (std::holds_alternative<protocol::ProgressEvent>(event)) {
      const auto& p = std::get<protocol::ProgressEvent>(event);
      if (p.total > 0 && p.current != p.total && p.current % std::max<std::int64_t>(1, p.total / 10) != 0) return;
      reporter_.emit(event);
    } else if (const auto* swarm = std::get_if<protocol::SwarmEvent>(&event)) {
      reporter_.say("swarm: " + swarm->state + (swarm->detail.empty() ? "" : " (" + swarm->detail + ")") +
                    (swarm->state == "joining" && !swarm->address.empty() ? " at " + swarm->address : ""));
    } else if (const auto* round = std::get_if<protocol::SwarmRoundEvent>(&event)) {
      char line[240];
      std::snprintf(line, sizeof line,
                    "swarm round (%s) at epoch %lld: %s, group of %lld, %.2f MB out, %.2f MB in, %.2f s (training "
                    "waited %.2f s)",
                    round->kind.c_str(), static_cast<long long>(round->epoch), round->outcome.c_str(),
                    static_cast<long long>(round->group_size), round->bytes_sent / 1e6, round->bytes_received / 1e6,
                    round->matchmaking_s + round->averaging_s, round->waited_s);
      reporter_.say(line);
    } else if (!std::holds_alternative<protocol::CheckpointEvent>(event) &&
               !std::holds_alternative<protocol::SwarmStatusEvent>(event)) {
      reporter_.emit(event);  // states and errors
    }
  }

 private:
  Reporter& reporter_;
};

}  // namespace

int runTrain(Reporter& reporter, const TrainOptions& options) {
  const config::LoadResult loaded = config::loadProject(options.project);
  for (const config::Diagnostic& d : loaded.diagnostics)
    log::write(d.isError() ? log::Level::Error : log::Level::Warn, d.format());
  if (!loaded.ok()) {
    reporter.fail(options.project + " is not a valid project", "sdtrain config check " + options.project + " lists its problems");
    return kExitInvalidInput;
  }
  config::Project project = loaded.project;
  if (!options.resume.empty()) project.set("checkpointing.resume_from", options.resume);
  if (options.maxSteps > 0) project.set("training.max_steps", options.maxSteps);
  if (!options.outputDirectory.empty()) project.set("output.directory", options.outputDirectory);
  if (!options.swarmPeers.empty() || !options.swarmKey.empty()) {
    project.set("swarm.enabled", true);
    if (!options.swarmPeers.empty()) project.set("swarm.peers", options.swarmPeers);
    if (!options.swarmKey.empty()) project.set("swarm.run_key", options.swarmKey);
  }
  if (options.swarmPort >= 0) project.set("swarm.port", static_cast<std::int64_t>(options.swarmPort));
  if (project.getBool("swarm.enabled") && project.getString("swarm.run_key").empty()) {
    reporter.fail("a swarm needs the run's key: swarm.run_key in " + options.project + " or --swarm-key",
                  "sdtrain swarm new-key makes one for a new run; every peer of the run uses the same");
    return kExitInvalidInput;
  }
  const train::TrainSettings settings = train::trainSettingsFrom(project, options.project);

  TextProgress text(reporter);
  const auto show = [&](const protocol::Event& e) {
    if (reporter.mode() == Reporter::Mode::Jsonl)
      reporter.emit(e);
    else
      text(e);
  };
  // A rank of a group that torchrun, SLURM or our own launcher started; or the launcher of local
  // workers; or the only process.
  std::optional<runtime::WorkerPlace> place;
  LocalWorkers workers;
  try {
    place = runtime::workerPlaceFrom(runtime::processEnvironment());
    if (!place) workers = localWorkersFor(settings, options);
  } catch (const runtime::DeviceUnavailable& e) {
    reporter.fail(e.what(), e.hint);
    return kExitInvalidInput;
  } catch (const std::invalid_argument& e) {
    reporter.fail(e.what(), "see docs/distributed.md");
    return kExitInvalidInput;
  }
  const bool severalWorkers = place || workers.count > 1;
  if (settings.swarm.enabled && severalWorkers && settings.shardOptimizer) {
    reporter.fail("distributed.shard_optimizer cannot be used by a swarm peer of several workers: its states and "
                  "averaged moments are whole on rank 0",
                  "set distributed.shard_optimizer = false, or train the peer in one process");
    return kExitInvalidInput;
  }
  if (!place && (workers.count > 1 || (!workers.gpus.empty() && workers.gpus != std::vector<int>{0})))
    return launchLocalWorkers(reporter, options, settings, workers, show);

  const auto control = std::make_shared<train::TrainerControl>();
  {
    std::lock_guard<std::mutex> lock(activeRunMutex);
    activeRun = control;
  }
  activeControl = control.get();
  std::signal(SIGINT, onStopSignal);
  std::signal(SIGTERM, onStopSignal);
  if (reporter.mode() == Reporter::Mode::Jsonl) readCommandsFromStdin();

  train::TrainerCallbacks callbacks;
  callbacks.event = show;
#ifdef SDS_HAVE_SWARM
  callbacks.openServedDataset = [](const train::TrainSettings& s, const data::DatasetOptions& scan) {
    return served::openServedDataset(s.data.dataset.path, s.swarm.runKey, s.outputDirectory, scan);
  };
#endif
  // A launcher's group of one still trains through it (the distributed path, measured on one GPU).
  // One process trains ready to join a swarm (from the start, or on a swarm_join command).
  train::TrainResult result;
#ifdef SDS_HAVE_SWARM
  if (!place) {
    std::optional<train::TrainResult> swarmResult = trainAsSwarmPeer(reporter, settings, *control, callbacks);
    if (!swarmResult) return kExitInvalidInput;
    result = *swarmResult;
  } else {
    result = trainAsRank(reporter, settings, *place, *control, callbacks);
  }
#else
  if (settings.swarm.enabled) {
    reporter.fail("this sdtrain was built without the swarm", "build with -DSDS_WITH_SWARM=ON (docs/development.md)");
    return kExitInvalidInput;
  }
  result = place ? trainAsRank(reporter, settings, *place, *control, callbacks)
                 : train::runTraining(settings, *control, callbacks);
#endif
  activeControl = nullptr;
  {
    std::lock_guard<std::mutex> lock(activeRunMutex);
    activeRun.reset();
  }

  if (place && place->rank != 0)  // rank 0 reports the run's outcome
    return result.outcome == train::TrainOutcome::Failed ? (result.groupLost ? kExitGroupLost : kExitFailure)
           : result.outcome == train::TrainOutcome::Stopped ? kExitStopped
                                                            : kExitOk;
  switch (result.outcome) {
    case train::TrainOutcome::Finished:
      for (const std::string& path : result.outputs) reporter.say("saved: " + path);
      reporter.say("finished at step " + std::to_string(result.step) + "; run folder: " + settings.outputDirectory);
      return kExitOk;
    case train::TrainOutcome::Stopped:
      reporter.say("stopped at step " + std::to_string(result.step) +
                   (result.lastCheckpoint.empty() ? "" : "; continue with: sdtrain train " + options.project +
                                                             " --resume latest"));
      return kExitStopped;
    case train::TrainOutcome::Failed:  // the error event has said what happened
      return result.groupLost ? kExitGroupLost : kExitFailure;
  }
  return kExitFailure;
}

void addTrainCommand(CLI::App& app, Commands& commands) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* train = app.add_subcommand("train", "Train as a project file says (docs/training.md)");
  train->add_option("project", options->project, "The project file (.toml)")->required();
  train->add_option("--resume", options->resume,
                    "Continue from a checkpoint folder, or latest for the run's newest checkpoint");
  train->add_option("--max-steps", options->maxSteps, "Train for this many steps instead")->check(CLI::PositiveNumber);
  train->add_option("--output", options->outputDirectory, "Run folder instead of output.directory");
  train->add_option("--gpus", options->gpus,
                    "GPUs to train on, one worker process each: all, a count, or indices such as 0,2 "
                    "(instead of distributed.gpus)");
  train->add_option("--cpu-processes", options->cpuProcesses,
                    "Train on the CPU with this many worker processes (instead of distributed.cpu_processes)")
      ->check(CLI::Range(1, 256));
  train->add_option("--swarm-peer", options->swarmPeers,
                    "Join the run's swarm through this peer or bootstrap node (HOST:PORT; repeatable)");
  train->add_option("--swarm-key", options->swarmKey, "The swarm's run key, or a file holding it (instead of swarm.run_key)");
  train->add_option("--swarm-port", options->swarmPort, "The swarm port (instead of swarm.port)")->check(CLI::Range(0, 65535));
  commands.push_back({train, [options](Reporter& r) { return runTrain(r, *options); }});
}

}  // namespace sds::cli
