// sdtrain bench --gpus N (or --device cpu --cpu-processes N): the training step with its gradients
// averaged over N ranks, as data-parallel training runs it. The launcher measures one process alone,
// the distributed path on one rank (its overhead) and N ranks (images/s per GPU, scaling efficiency),
// each in its own worker processes.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include <torch/cuda.h>

#include "bench_workers.h"
#include "exit_codes.h"
#include "runtime/device.h"
#include "runtime/distributed_env.h"
#include "runtime/process_group.h"
#include "runtime/worker_group.h"
#include "train/process_group_sync.h"
#include "train_workers.h"
#include "util/log.h"

namespace sds::cli {
namespace {

std::vector<std::string> benchArguments(const train::BenchmarkOptions& o) {
  std::vector<std::string> a{selfExecutable(), "--log-level", "warn", "bench", "--json",
                             "--model", o.model, "--batch", std::to_string(o.batch),
                             "--resolution", std::to_string(o.resolution), "--precision", o.precision,
                             "--attention", o.attention, "--optimizer", o.optimizer,
                             "--lora-rank", std::to_string(o.loraRank), "--steps", std::to_string(o.steps),
                             "--warmup", std::to_string(o.warmupSteps), "--device", o.device};
  if (o.checkpointing) a.insert(a.end(), {"--checkpointing", "--checkpointing-scope", o.checkpointingScope});
  if (!o.cachedLatents) a.push_back("--full");
  if (o.channelsLast) a.push_back("--channels-last");
  if (o.referenceGeglu) a.push_back("--reference-geglu");
  if (o.referenceGroupNorm) a.push_back("--reference-group-norm");
  if (o.cudnnAutotune) a.push_back("--autotune");
  return a;
}

// Runs `ranks` workers (0: one process without a group) and returns each one's JSON result.
std::vector<nlohmann::json> measure(const train::BenchmarkOptions& o, int ranks, const std::vector<int>& gpus) {
  std::vector<runtime::WorkerSpec> specs;
  const int port = runtime::pickFreePort();
  const int count = std::max(ranks, 1);
  for (int rank = 0; rank < count; ++rank) {
    runtime::WorkerSpec spec{benchArguments(o), {}};
    if (ranks > 0) spec.environment = localWorkerEnvironment(rank, ranks, port, gpus);
    else if (!gpus.empty()) spec.environment["CUDA_VISIBLE_DEVICES"] = std::to_string(gpus[0]);
    specs.push_back(std::move(spec));
  }
  runtime::WorkerGroup group(specs, std::chrono::seconds(60));
  std::vector<nlohmann::json> results(static_cast<std::size_t>(count));
  runtime::WorkerGroupCallbacks callbacks;
  callbacks.line = [&](int rank, const std::string& line) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("images_per_s")) results[static_cast<std::size_t>(rank)] = j;
  };
  const std::vector<runtime::WorkerExit> exits = group.run(callbacks);
  for (const runtime::WorkerExit& e : exits)
    if (e.signalled || e.code != kExitOk || results[static_cast<std::size_t>(e.rank)].is_null())
      throw std::runtime_error("benchmark worker " + std::to_string(e.rank) + " " + e.describe() +
                               " without a result (its messages are above)");
  return results;
}

}  // namespace

int runBenchAsRank(Reporter& reporter, const train::BenchmarkOptions& options, const runtime::WorkerPlace& place,
                   bool json, const std::function<int(Reporter&, const train::BenchmarkOptions&, bool,
                                                      train::GradientSync*)>& bench) {
  try {
    if (options.device != "cpu") keepOnlyThisRanksGpu(place.localRank);
    const runtime::GroupOptions o = groupOptionsFor(
        place, options.device == "cpu" ? runtime::Backend::Gloo : runtime::Backend::Nccl, std::chrono::seconds(300));
    train::ProcessGroupGradientSync sync(runtime::ProcessGroup::join(o));
    return bench(reporter, options, json, &sync);
  } catch (const std::exception& e) {
    reporter.fail(e.what());
    return kExitFailure;
  }
}

int runDistributedBench(Reporter& reporter, const train::BenchmarkOptions& options, int ranks, bool json) {
  std::vector<int> gpus;
  if (options.device != "cpu") {
    const c10::Device device = runtime::resolveDevice(options.device, "--device " + options.device);
    if (!device.is_cuda()) throw std::invalid_argument("--gpus needs --device cuda; use --cpu-processes on the CPU");
    // The launcher itself never touches a GPU beyond counting them.
    gpus = runtime::parseGpuSelection(std::to_string(ranks), static_cast<int>(torch::cuda::device_count()));
  }
  log::info("bench: one process alone");
  const nlohmann::json alone = measure(options, 0, gpus)[0];
  log::info("bench: the distributed path on one rank");
  const nlohmann::json one = measure(options, 1, gpus)[0];
  std::vector<nlohmann::json> many;
  if (ranks > 1) {
    log::info("bench: " + std::to_string(ranks) + " ranks");
    many = measure(options, ranks, gpus);
  }
  const double aloneRate = alone["images_per_s"].get<double>(), oneRate = one["images_per_s"].get<double>();
  double total = 0;
  nlohmann::json perRank = nlohmann::json::array();
  for (const nlohmann::json& r : many) {
    total += r["images_per_s"].get<double>();
    perRank.push_back(r["images_per_s"]);
  }
  const double overhead = 1 - oneRate / aloneRate;
  const double efficiency = ranks > 1 ? total / (ranks * oneRate) : 1.0;
  const std::string unit = options.device == "cpu" ? "process" : "GPU";
  if (json) {
    nlohmann::json out = {{"settings", alone["settings"]},
                          {"ranks", ranks},
                          {"alone", alone},
                          {"one_rank", one},
                          {"distributed_overhead", overhead}};
    if (ranks > 1) {
      out["images_per_s_per_rank"] = perRank;
      out["images_per_s_total"] = total;
      out["scaling_efficiency"] = efficiency;
      out["peak_gib_per_rank"] = many[0].value("peak_gib", 0.0);
    }
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  char line[256];
  reporter.say(alone["settings"].get<std::string>());
  std::snprintf(line, sizeof line, "  one process alone:            %8.2f images/s", aloneRate);
  reporter.say(line);
  std::snprintf(line, sizeof line, "  distributed path, one rank:   %8.2f images/s (overhead %.1f %%)", oneRate,
                100 * overhead);
  reporter.say(line);
  if (ranks > 1) {
    std::snprintf(line, sizeof line,
                  "  %d ranks:                      %8.2f images/s together, %.2f per %s; scaling efficiency %.1f %% "
                  "of %d × one rank",
                  ranks, total, total / ranks, unit.c_str(), 100 * efficiency, ranks);
    reporter.say(line);
  }
  return kExitOk;
}

}  // namespace sds::cli
