// sdtrain bench: the training step's speed and memory on the real UNet shapes (random weights), with
// the analytic FLOP count it is measured against. See train/training_benchmark.h.

#include <nlohmann/json.hpp>

#include <c10/util/Exception.h>

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>

#include "bench_workers.h"
#include "commands.h"
#include "config/presets.h"
#include "exit_codes.h"
#include "models/fused_kernels.h"
#include "pipelines/sampling_benchmark.h"
#include "util/log.h"

namespace sds::cli {

bool applyBenchPreset(Reporter& reporter, const std::string& id, train::BenchmarkOptions& options) {
  const config::Preset* preset = findPresetOrReport(reporter, id);
  if (!preset) return false;
  const config::Project project = config::applyPreset(*preset, config::Project());
  options.model = preset->bench;
  options.batch = project.getInt("training.batch_size");
  options.resolution = project.getInt("resolution.size");
  options.precision = project.getString("training.precision");
  options.checkpointing = project.getBool("training.gradient_checkpointing");
  options.checkpointingScope = project.getString("training.checkpointing_scope");
  options.optimizer = project.getString("optimizer.type");
  options.loraRank = project.getString("training.method") == "lora" ? project.getInt("lora.rank") : 0;
  return true;
}

namespace {

void logProgress(const std::string& line) { log::info("bench: " + line); }

// Runs a benchmark, reporting its failure as the error event; the exit code when it failed.
std::optional<int> failureOf(Reporter& reporter, const char* memoryHint, const std::function<void()>& run) {
  try {
    run();
  } catch (const std::invalid_argument& e) {
    reporter.fail(e.what(), "sdtrain bench --help lists the options");
    return kExitUsage;
  } catch (const c10::Error& e) {
    reporter.fail(std::string("the benchmark failed: ") + e.what_without_backtrace(), memoryHint);
    return kExitFailure;
  } catch (const std::runtime_error& e) {  // the profiler, or writing its trace
    reporter.fail(std::string("the benchmark failed: ") + e.what(), "--profile needs a LibTorch built with Kineto");
    return kExitFailure;
  }
  return std::nullopt;
}

}  // namespace

int runBench(Reporter& reporter, const train::BenchmarkOptions& options, bool json, train::GradientSync* sync) {
  train::BenchmarkResult r;
  if (const auto failed = failureOf(reporter, "a smaller --batch, --checkpointing or a lower --resolution needs less memory",
                                    [&] { r = train::runTrainingBenchmark(options, logProgress, sync); }))
    return *failed;
  const std::string settings = options.model + " " + std::to_string(r.resolution) +
                               " px, batch " + std::to_string(options.batch) + ", " + options.precision + ", " +
                               options.attention +
                               (options.checkpointing ? ", checkpointing " + options.checkpointingScope : "") +
                               (options.cachedLatents ? ", cached latents" : ", VAE and text encoder in the step") +
                               (options.loraRank > 0 ? ", LoRA rank " + std::to_string(options.loraRank) : "") +
                               ", " + options.optimizer + (options.channelsLast ? ", channels-last" : "") +
                               (options.referenceGeglu ? ", reference GEGLU" : "") +
                               (options.referenceGroupNorm ? ", reference group norm" : "") +
                               (options.cudnnAutotune ? ", cuDNN autotuning" : "");
  if (json) {
    nlohmann::json out = {{"settings", settings},
                          {"model", options.model},
                          {"batch", options.batch},
                          {"resolution", r.resolution},
                          {"precision", options.precision},
                          {"attention", options.attention},
                          {"checkpointing", options.checkpointing},
                          {"checkpointing_scope", options.checkpointing ? options.checkpointingScope : "none"},
                          {"cached_latents", options.cachedLatents},
                          {"lora_rank", options.loraRank},
                          {"optimizer", options.optimizer},
                          {"channels_last", options.channelsLast},
                          {"reference_geglu", options.referenceGeglu},
                          {"reference_group_norm", options.referenceGroupNorm},
                          {"cudnn_autotune", options.cudnnAutotune},
                          {"steps", options.steps},
                          {"seconds_per_step", r.secondsPerStep},
                          {"images_per_s", r.imagesPerSecond},
                          {"unet_forward_gflop_per_image", r.forwardFlopsPerImage / 1e9},
                          {"achieved_tflops", r.achievedTflops},
                          {"unet_parameters", r.unetParameters},
                          {"trainable_parameters", r.trainableParameters},
                          {"final_loss", r.finalLoss}};
    if (r.peakGiB) out["peak_gib"] = *r.peakGiB;
    if (r.firstStepSeconds) out["first_step_s"] = *r.firstStepSeconds;
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  char line[256];
  reporter.say(settings);
  std::snprintf(line, sizeof line, "  %.2f images/s (%.1f ms per step of %d timed after %d warm-up)", r.imagesPerSecond,
                r.secondsPerStep * 1e3, options.steps, options.warmupSteps);
  reporter.say(line);
  if (r.firstStepSeconds) {
    std::snprintf(line, sizeof line, "  first warm-up step: %.2f s (autotuning, module loading, allocations)", *r.firstStepSeconds);
    reporter.say(line);
  }
  std::snprintf(line, sizeof line,
                "  %.3g TFLOP/s achieved: UNet forward %.4g GFLOP per image (analytic), x3 for forward + backward%s",
                r.achievedTflops, r.forwardFlopsPerImage / 1e9,
                options.checkpointing ? "; the recomputed forward is not counted" : "");
  reporter.say(line);
  std::snprintf(line, sizeof line, "  parameters: %.1f M in the UNet, %.2f M trained", double(r.unetParameters) / 1e6,
                double(r.trainableParameters) / 1e6);
  reporter.say(line);
  if (r.peakGiB) {
    std::snprintf(line, sizeof line, "  peak GPU memory: %.2f GiB (allocated by tensors)", *r.peakGiB);
    reporter.say(line);
  }
  return kExitOk;
}

namespace {

int runSamplingBench(Reporter& reporter, const pipelines::SamplingBenchmarkOptions& options, bool json) {
  pipelines::SamplingBenchmarkResult r;
  if (const auto failed = failureOf(reporter, "a smaller --batch or a lower --resolution needs less memory",
                                    [&] { r = pipelines::runSamplingBenchmark(options, logProgress); }))
    return *failed;
  char guidance[32];
  std::snprintf(guidance, sizeof guidance, "%g", options.guidance);
  const std::string settings = "sampling: " + options.model + " " + std::to_string(r.resolution) + " px, batch " +
                               std::to_string(options.batch) + ", " + options.precision + ", " + options.sampler +
                               ", guidance " + guidance + ", VAE tiling " + options.vaeTiling +
                               (options.channelsLast ? ", channels-last" : "");
  if (json) {
    nlohmann::json out = {{"settings", settings},
                          {"model", options.model},
                          {"batch", options.batch},
                          {"resolution", r.resolution},
                          {"precision", options.precision},
                          {"sampler", options.sampler},
                          {"guidance", options.guidance},
                          {"vae_tiling", options.vaeTiling},
                          {"channels_last", options.channelsLast},
                          {"steps", options.steps},
                          {"seconds_per_step", r.secondsPerStep},
                          {"first_generation_s", r.firstGenerationSeconds},
                          {"one_step_generation_s", r.oneStepGenerationSeconds}};
    if (r.peakGiB) out["peak_gib"] = *r.peakGiB;
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  char line[256];
  reporter.say(settings);
  std::snprintf(line, sizeof line, "  %.2f ms per denoising step (%d steps timed: generations of %d and 1 step)",
                r.secondsPerStep * 1e3, options.steps, options.steps + 1);
  reporter.say(line);
  std::snprintf(line, sizeof line, "  a generation of 1 step: %.3f s (prompts, the step, decoding); the first, of 2 steps: %.2f s",
                r.oneStepGenerationSeconds, r.firstGenerationSeconds);
  reporter.say(line);
  if (r.peakGiB) {
    std::snprintf(line, sizeof line, "  peak GPU memory: %.2f GiB (allocated by tensors)", *r.peakGiB);
    reporter.say(line);
  }
  return kExitOk;
}

}  // namespace

void addBenchCommand(CLI::App& app, Commands& commands) {
  struct Given {
    train::BenchmarkOptions options;
    bool json = false, full = false, sampling = false;
    pipelines::SamplingBenchmarkOptions samplingOptions;
    std::string preset;
    int ranks = 0, cpuProcesses = 0;
  };
  auto g = std::make_shared<Given>();
  train::BenchmarkOptions& o = g->options;
  CLI::App* bench = app.add_subcommand(
      "bench", "Time the training step on the real UNet shapes with random weights (images/s, TFLOP/s, memory)");
  bench->add_option("--model", o.model, "sd15, sd21, sdxl or tiny; with --sampling also a model's folder or .safetensors file")->capture_default_str();
  bench->add_option("--batch", o.batch, "Images per step")->capture_default_str();
  bench->add_option("--resolution", o.resolution, "Image side in pixels (default: the model's native)");
  bench->add_option("--precision", o.precision, "fp32, bf16 or fp16")->capture_default_str();
  bench->add_option("--attention", o.attention,
                    "sdpa (fused kernels, cuDNN's where they apply), torch-sdpa (LibTorch's pick) or math")
      ->capture_default_str();
  bench->add_flag("--checkpointing", o.checkpointing, "Gradient checkpointing");
  bench->add_option("--checkpointing-scope", o.checkpointingScope,
                    "With --checkpointing: which UNet blocks recompute (all, attention, resnets or alternate)")
      ->capture_default_str();
  bench->add_flag("--full", g->full, "Encode images and captions in every step (latents not cached)");
  bench->add_option("--optimizer", o.optimizer, "adamw or adamw8bit")->capture_default_str();
  bench->add_option("--lora-rank", o.loraRank, "Train LoRA adapters of this rank on the attention instead");
  bench->add_flag("--channels-last", o.channelsLast, "The UNet in channels-last layout (training.channels_last on)");
  bench->add_flag("--reference-geglu", o.referenceGeglu,
                  "GEGLU as LibTorch's separate kernels instead of the fused ones (to compare)");
  bench->add_flag("--reference-group-norm", o.referenceGroupNorm,
                  "With --channels-last: group norm as LibTorch's (through channels-first copies) instead of ours");
  bench->add_flag("--autotune", o.cudnnAutotune,
                  "Let cuDNN time its convolution algorithms for each shape instead of using its heuristics");
  bench->add_option("--steps", o.steps, "Timed steps")->capture_default_str();
  bench->add_option("--warmup", o.warmupSteps, "Untimed steps first")->capture_default_str();
  bench->add_option("--device", o.device, "cuda or cpu")->capture_default_str();
  bench->add_option("--profile", o.profilePath,
                    "Also profile 2 more steps and write their Chrome trace (kernels and operators) to this file");
  bench->add_flag("--json", g->json, "As one JSON object");
  CLI::Option* sampling = bench->add_flag(
      "--sampling", g->sampling,
      "Time the denoising loop of text-to-image generation instead (ms per step, guidance on)");
  bench->add_option("--sampler", g->samplingOptions.sampler, "With --sampling: the sampler")
      ->capture_default_str()
      ->needs(sampling);
  bench->add_option("--guidance", g->samplingOptions.guidance, "With --sampling: the guidance scale (1 or less: off)")
      ->capture_default_str()
      ->needs(sampling);
  bench->add_option("--vae-tiling", g->samplingOptions.vaeTiling,
                    "With --sampling: decode large images in tiles (auto, on or off), as generate")
      ->capture_default_str()
      ->needs(sampling);
  CLI::Option* preset = bench->add_option(
      "--preset", g->preset, "Measure a preset's training step (its model, batch, resolution, memory savers)");
  for (const char* setByPreset : {"--model", "--batch", "--resolution", "--precision", "--checkpointing",
                                  "--checkpointing-scope", "--optimizer", "--lora-rank"})
    preset->excludes(bench->get_option(setByPreset));
  bench->add_option("--gpus", g->ranks,
                    "Also measure the step with gradients averaged over the first N GPUs, one process each: "
                    "images/s per GPU, scaling efficiency, the distributed path's overhead")
      ->check(CLI::Range(1, 1024));
  bench->add_option("--cpu-processes", g->cpuProcesses, "The same over N CPU processes (with --device cpu)")
      ->check(CLI::Range(1, 256));
  for (const char* trainingOnly : {"--attention", "--checkpointing", "--checkpointing-scope", "--full", "--optimizer",
                                   "--lora-rank", "--autotune", "--warmup", "--preset", "--gpus",
                                   "--cpu-processes"})
    sampling->excludes(bench->get_option(trainingOnly));
  commands.push_back({bench, [g](Reporter& r) {
                        if (g->sampling) {
                          models::setFusedGeglu(!g->options.referenceGeglu);
                          models::setFusedGroupNorm(!g->options.referenceGroupNorm);
                          pipelines::SamplingBenchmarkOptions& s = g->samplingOptions;
                          const train::BenchmarkOptions& o = g->options;
                          s.model = o.model;
                          s.batch = o.batch;
                          s.resolution = o.resolution;
                          s.precision = o.precision;
                          s.channelsLast = o.channelsLast;
                          s.steps = o.steps;
                          s.device = o.device;
                          s.profilePath = o.profilePath;
                          return runSamplingBench(r, s, g->json);
                        }
                        g->options.cachedLatents = !g->full;
                        if (!g->preset.empty() && !applyBenchPreset(r, g->preset, g->options)) return kExitUsage;
                        try {
                          // A worker of a distributed benchmark, or its launcher, or one process.
                          if (const auto place = runtime::workerPlaceFrom(runtime::processEnvironment()))
                            return runBenchAsRank(r, g->options, *place, g->json, runBench);
                          const int ranks = g->ranks > 0 ? g->ranks : g->cpuProcesses;
                          if (ranks > 0) return runDistributedBench(r, g->options, ranks, g->json);
                        } catch (const std::invalid_argument& e) {
                          r.fail(e.what(), "sdtrain bench --help lists the options");
                          return kExitUsage;
                        } catch (const std::exception& e) {
                          r.fail(std::string("the benchmark failed: ") + e.what());
                          return kExitFailure;
                        }
                        return runBench(r, g->options, g->json, nullptr);
                      }});
}

}  // namespace sds::cli
