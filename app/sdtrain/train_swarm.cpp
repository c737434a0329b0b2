#include "train_swarm.h"

#include <stdexcept>

#include "train/swarm_sync.h"

namespace sds::cli {

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
  train::TrainResult result = train::runTraining(settings, control, callbacks, sync.get());
  sync->leave();
  return result;
}

}  // namespace sds::cli
