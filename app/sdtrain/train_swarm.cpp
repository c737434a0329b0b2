#include "train_swarm.h"

#include <mutex>
#include <stdexcept>

#include "train/swarm_sync.h"
#include "util/log.h"

namespace sds::cli {
namespace {

// The training in progress and its [swarm] settings, which a swarm_join command starts from.
std::mutex activeMutex;
train::SwarmGradientSync* activeSync = nullptr;
train::SwarmSettings activeSettings;
std::string activeRunFolder;

}  // namespace

std::optional<train::TrainResult> trainAsSwarmPeer(Reporter& reporter, const train::TrainSettings& settings,
                                                   train::TrainerControl& control,
                                                   const train::TrainerCallbacks& callbacks) {
  std::unique_ptr<train::SwarmGradientSync> sync;
  try {
    train::SwarmSyncOptions options = train::swarmSyncOptions(settings.swarm, settings.outputDirectory);
    options.event = callbacks.event;
    sync = std::make_unique<train::SwarmGradientSync>(std::move(options));
  } catch (const std::invalid_argument& e) {
    reporter.fail(std::string("cannot join the swarm: ") + e.what(), "check the [swarm] settings (docs/swarm.md)");
    return std::nullopt;
  } catch (const std::exception& e) {
    reporter.fail(std::string("cannot join the swarm: ") + e.what(),
                  "check that swarm.port is free (0 picks any) and that the peers' addresses are HOST:PORT");
    return std::nullopt;
  }
  {
    std::lock_guard<std::mutex> lock(activeMutex);
    activeSync = sync.get();
    activeSettings = settings.swarm;
    activeRunFolder = settings.outputDirectory;
  }
  train::TrainResult result = train::runTraining(settings, control, callbacks, sync.get());
  {
    std::lock_guard<std::mutex> lock(activeMutex);
    activeSync = nullptr;
  }
  sync->leave();
  return result;
}

bool applySwarmCommand(const protocol::Command& command) {
  std::lock_guard<std::mutex> lock(activeMutex);
  if (!activeSync) return false;
  if (command.kind == protocol::Command::Kind::SwarmLeave) {
    activeSync->requestLeave();
    return true;
  }
  // The project's [swarm] settings, with what the command names instead.
  train::SwarmSettings settings = activeSettings;
  settings.enabled = true;
  settings.runKey = command.runKey;
  if (!command.peers.empty()) settings.peers = command.peers;
  if (command.port) settings.port = *command.port;
  if (command.publicAddress) settings.publicAddress = *command.publicAddress;
  if (command.clientMode) settings.clientMode = *command.clientMode;
  try {
    activeSync->requestJoin(train::swarmSyncOptions(settings, activeRunFolder).peer);
  } catch (const std::exception& e) {
    log::error(std::string("ignored swarm_join: ") + e.what());
  }
  return true;
}

}  // namespace sds::cli
