#pragma once
// sdtrain train with [swarm] enabled: the trainer as one peer of the run's swarm.

#include <optional>

#include "reporter.h"
#include "train/trainer.h"

namespace sds::cli {

// Joins the swarm and trains; nothing when joining failed (the error event already given: a bad run
// key, a port in use).
std::optional<train::TrainResult> trainAsSwarmPeer(Reporter& reporter, const train::TrainSettings& settings,
                                                   train::TrainerControl& control,
                                                   const train::TrainerCallbacks& callbacks);

}  // namespace sds::cli
