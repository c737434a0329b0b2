#pragma once
// `sdtrain bench --gpus N`: the training step over N data-parallel ranks (docs/distributed.md).

#include <functional>

#include "commands.h"
#include "runtime/distributed_env.h"

namespace sds::train {
class GradientSync;
}

namespace sds::cli {

// Measures one process alone, the distributed path on one rank and `ranks` ranks, each in worker
// processes of this program, and prints images/s, the distributed path's overhead and the scaling
// efficiency. Throws std::invalid_argument for options that cannot run.
int runDistributedBench(Reporter& reporter, const train::BenchmarkOptions& options, int ranks, bool json);

// A benchmark worker: joins the group `place` names and runs `bench` with its gradients averaged.
int runBenchAsRank(Reporter& reporter, const train::BenchmarkOptions& options, const runtime::WorkerPlace& place,
                   bool json,
                   const std::function<int(Reporter&, const train::BenchmarkOptions&, bool, train::GradientSync*)>& bench);

}  // namespace sds::cli
