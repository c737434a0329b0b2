#pragma once
// The denoising loop's speed on the real model shapes with random weights, or on a model read from
// disk: what `sdtrain bench --sampling` reports. Time per denoising step is the difference between a generation of 1 + steps
// steps and one of 1 step, divided by steps, so that prompt encoding, noise, VAE decoding and the
// copy back to the host are left out, as for other tools' per-step figures.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace sds::pipelines {

struct SamplingBenchmarkOptions {
  std::string model = "sd15";      // sd15, sd21, sdxl, tiny (random weights), or a model's path
  std::int64_t batch = 1;          // images per prompt; guidance doubles the UNet's batch
  std::int64_t resolution = 0;     // pixels; 0: the model's native size
  std::string precision = "fp16";  // fp32, bf16, fp16
  std::string sampler = "ddim";
  double guidance = 7.5;
  int steps = 30;                  // timed denoising steps
  std::string device = "cuda";
  std::uint64_t seed = 1;
  std::string profilePath;         // non-empty: a generation of 3 steps, after the timed ones, traced
  std::string vaeTiling = "auto";  // auto, on, off (models/vae_decoding.h)
  bool channelsLast = false;       // the UNet in channels-last layout (models/channels_last.h)
};

struct SamplingBenchmarkResult {
  double secondsPerStep = 0;
  double firstGenerationSeconds = 0;  // the first one, of 2 steps: module loading, planning, allocations
  double oneStepGenerationSeconds = 0;  // warm: prompts, one step, decoding, the copy to the host
  std::optional<double> peakGiB;        // the caching allocator's peak; only with a CUDA LibTorch
  std::int64_t resolution = 0;
};

// Throws std::invalid_argument for bad options and for a model that cannot be loaded (naming them).
SamplingBenchmarkResult runSamplingBenchmark(const SamplingBenchmarkOptions& options,
                                             const std::function<void(const std::string&)>& progress);

}  // namespace sds::pipelines
