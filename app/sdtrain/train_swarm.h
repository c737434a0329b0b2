#pragma once
// sdtrain train able to take part in a swarm: from the start when [swarm] is enabled (or
// --swarm-key/--swarm-peer), or from a swarm_join command while training. One process is a peer; so
// are the ranks of one machine together (its GPUs), rank 0 speaking for them.

#include <memory>
#include <optional>

#include "protocol/events.h"
#include "reporter.h"
#include "train/gradient_sync.h"
#include "train/trainer.h"

namespace sds::cli {

// Trains with an exchange that can join and leave the run's swarm; nothing when joining at the start
// failed (the error event already given: a bad run key, a port in use).
std::optional<train::TrainResult> trainAsSwarmPeer(Reporter& reporter, const train::TrainSettings& settings,
                                                   train::TrainerControl& control,
                                                   const train::TrainerCallbacks& callbacks);

// The same for one rank of a group on one machine (`group`: the ranks' own exchange): rank 0 joins
// the swarm for the group. When rank 0 could not join, it has given the error event, returns nothing
// and the other ranks return a failed result of a lost group (they end without an error of their own).
std::optional<train::TrainResult> trainRankAsSwarmPeer(Reporter& reporter, const train::TrainSettings& settings,
                                                       std::unique_ptr<train::GradientSync> group,
                                                       train::TrainerControl& control,
                                                       const train::TrainerCallbacks& callbacks);

// Hands a swarm_join or swarm_leave command to the training in progress (from the command reader's
// thread). False when no training of this process can take part in a swarm.
bool applySwarmCommand(const protocol::Command& command);

}  // namespace sds::cli
