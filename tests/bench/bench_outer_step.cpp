// DiLoCo's outer step on the CPU for a model of N values: what the training waits for besides the
// network — reading the weights, the pseudo-gradient laid flat, the Nesterov step and writing the
// weights back — for a lone peer (its round ends at once), with and without overlapped rounds.
//
//   bench_outer_step [MILLIONS_OF_VALUES=100] [TENSORS=700]
//
// Prints the seconds of each part; SD 1.5's UNet is 860 million values in about 700 tensors.

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "train/swarm_sync.h"

using namespace sds::train;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t values = (argc > 1 ? std::atoll(argv[1]) : 100) * 1'000'000;
  const std::int64_t tensors = argc > 2 ? std::atoll(argv[2]) : 700;
  std::vector<at::Tensor> weights;
  for (std::int64_t i = 0; i < tensors; ++i) weights.push_back(torch::randn({values / tensors}));
  double readSeconds = 0, writeSeconds = 0;
  GradientSync::TrainedWeights access{[&] {
                                        const auto t = Clock::now();
                                        std::vector<at::Tensor> copy;
                                        for (const at::Tensor& w : weights) copy.push_back(w.clone());
                                        readSeconds += since(t);
                                        return copy;
                                      },
                                      [&](const std::vector<at::Tensor>& in) {
                                        const auto t = Clock::now();
                                        for (std::size_t i = 0; i < weights.size(); ++i) weights[i].copy_(in[i]);
                                        writeSeconds += since(t);
                                      },
                                      {},
                                      {}};
  std::printf("%lld M values in %lld tensors, %d threads\n", static_cast<long long>(values / 1'000'000),
              static_cast<long long>(tensors), at::get_num_threads());
  for (const bool overlap : {false, true}) {
    const std::string folder = (std::filesystem::temp_directory_path() / "sds-bench-outer-step").string();
    SwarmSyncOptions o;
    o.mode = SwarmMode::DiLoCo;
    o.overlapRounds = overlap;
    o.localSteps = 1;
    o.peer.runKey = "sdsrun-bench-outer-step";
    o.peer.listenHost = o.peer.publicHost = "127.0.0.1";
    o.peer.matchmaking.matchmakingTime = std::chrono::milliseconds(10);
    o.stateFolder = folder;
    SwarmGradientSync sync(o);
    sync.setTrainedWeights(access);
    std::int64_t step = 0;
    sync.afterLocalStep(step, 1, 0.1);  // the outer weights: a copy of the weights
    readSeconds = writeSeconds = 0;
    const int windows = 3;
    double total = 0;
    for (int w = 0; w < windows; ++w) {
      for (auto& t : weights) t.add_(0.001);
      if (w > 0) sync.afterLocalStep(step, 1, 0.1);
      const auto t = Clock::now();
      sync.afterOptimizerStep(++step);  // the window ends: the round (and, overlapped, the last one's step)
      total += since(t);
    }
    const auto t = Clock::now();
    sync.finishRounds();
    total += since(t);
    std::printf("%s: %.2f s a round, of which reading the weights %.2f s and writing them %.2f s\n",
                overlap ? "overlapped" : "waiting", total / windows, readSeconds / windows, writeSeconds / windows);
  }
  return 0;
}
