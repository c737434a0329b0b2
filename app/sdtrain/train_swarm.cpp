#include "train_swarm.h"

#include <mutex>
#include <stdexcept>

#include "train/swarm_group_sync.h"
#include "train/swarm_sync.h"
#include "util/log.h"

namespace sds::cli {
namespace {

// The training in progress and its [swarm] settings, which a swarm_join command starts from.
std::mutex activeMutex;
train::SwarmGradientSync* activeSync = nullptr;
train::SwarmSettings activeSettings;
std::string activeRunFolder;

// The swarm peer of the project's [swarm] settings, joined when they say so; nothing after the
// error event saying why it could not join.
std::unique_ptr<train::SwarmGradientSync> makeSwarmPeer(Reporter& reporter, const train::TrainSettings& settings,
                                                        const train::TrainerCallbacks& callbacks) {
  try {
    train::SwarmSyncOptions options = train::swarmSyncOptions(settings.swarm, settings.outputDirectory);
    options.event = callbacks.event;
    return std::make_unique<train::SwarmGradientSync>(std::move(options));
  } catch (const std::invalid_argument& e) {
    reporter.fail(std::string("cannot join the swarm: ") + e.what(), "check the [swarm] settings (docs/swarm.md)");
  } catch (const std::exception& e) {
    reporter.fail(std::string("cannot join the swarm: ") + e.what(),
                  "check that swarm.port is free (0 picks any) and that the peers' addresses are HOST:PORT");
  }
  return nullptr;
}

// Trains through `sync` while commands can reach `peer` (nullptr on ranks other than 0).
train::TrainResult trainReachable(const train::TrainSettings& settings, train::TrainerControl& control,
                                  const train::TrainerCallbacks& callbacks, train::GradientSync& sync,
                                  train::SwarmGradientSync* peer) {
  if (peer) {
    std::lock_guard<std::mutex> lock(activeMutex);
    activeSync = peer;
    activeSettings = settings.swarm;
    activeRunFolder = settings.outputDirectory;
  }
  train::TrainResult result = train::runTraining(settings, control, callbacks, &sync);
  if (peer) {
    {
      std::lock_guard<std::mutex> lock(activeMutex);
      activeSync = nullptr;
    }
    peer->leave();
  }
  return result;
}

}  // namespace

std::optional<train::TrainResult> trainAsSwarmPeer(Reporter& reporter, const train::TrainSettings& settings,
                                                   train::TrainerControl& control,
                                                   const train::TrainerCallbacks& callbacks) {
  std::unique_ptr<train::SwarmGradientSync> sync = makeSwarmPeer(reporter, settings, callbacks);
  if (!sync) return std::nullopt;
  return trainReachable(settings, control, callbacks, *sync, sync.get());
}

std::optional<train::TrainResult> trainRankAsSwarmPeer(Reporter& reporter, const train::TrainSettings& settings,
                                                       std::unique_ptr<train::GradientSync> group,
                                                       train::TrainerControl& control,
                                                       const train::TrainerCallbacks& callbacks) {
  std::unique_ptr<train::SwarmGradientSync> peer;
  const bool main = group->rank() == 0;
  if (main) peer = makeSwarmPeer(reporter, settings, callbacks);
  std::vector<double> failed{main && !peer ? 1.0 : 0.0};
  group->averageValues(failed);  // the other ranks learn whether rank 0 joined
  if (failed[0] > 0) {
    if (main) return std::nullopt;
    train::TrainResult lost;
    lost.outcome = train::TrainOutcome::Failed;
    lost.groupLost = true;
    lost.message = "rank 0 could not join the swarm";
    return lost;
  }
  train::SwarmGradientSync* reachable = peer.get();
  train::SwarmGroupSync sync(std::move(group), std::move(peer));
  return trainReachable(settings, control, callbacks, sync, reachable);
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
  if (command.upnp) settings.upnp = *command.upnp;
  try {
    activeSync->requestJoin(train::swarmSyncOptions(settings, activeRunFolder).peer);
  } catch (const std::exception& e) {
    log::error(std::string("ignored swarm_join: ") + e.what());
  }
  return true;
}

}  // namespace sds::cli
