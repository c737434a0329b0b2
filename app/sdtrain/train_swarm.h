#pragma once
// sdtrain train in one process, able to take part in a swarm: from the start when [swarm] is enabled
// (or --swarm-key/--swarm-peer), or from a swarm_join command while training.

#include <optional>

#include "protocol/events.h"
#include "reporter.h"
#include "train/trainer.h"

namespace sds::cli {

// Trains with an exchange that can join and leave the run's swarm; nothing when joining at the start
// failed (the error event already given: a bad run key, a port in use).
std::optional<train::TrainResult> trainAsSwarmPeer(Reporter& reporter, const train::TrainSettings& settings,
                                                   train::TrainerControl& control,
                                                   const train::TrainerCallbacks& callbacks);

// Hands a swarm_join or swarm_leave command to the training in progress (from the command reader's
// thread). False when no training of this process can take part in a swarm.
bool applySwarmCommand(const protocol::Command& command);

}  // namespace sds::cli
