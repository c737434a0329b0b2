#pragma once
// `sdtrain bench`: the trainer's own training step (the UNet's forward and backward passes, the
// denoising loss, gradient clipping and AdamW, as train/trainer.cpp runs them) on the real SD 1.5,
// SD 2.1 or SDXL UNet shapes with random weights and data, so no download is needed. Reports images
// per second, the achieved TFLOP/s against the analytic FLOP count, and the peak GPU memory.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace sds::train {

struct BenchmarkOptions {
  std::string model = "sd15";        // sd15, sd21, sdxl, tiny
  std::int64_t batch = 1;
  std::int64_t resolution = 0;       // pixels; 0: the model's native size
  std::string precision = "bf16";    // fp32, bf16 (fp32 optimizer masters), fp16 (with loss scaling)
  std::string attention = "sdpa";    // sdpa (the fused kernels, cuDNN's where they apply), torch-sdpa
                                     // (LibTorch's own pick of fused kernels), math (explicit softmax)
  bool checkpointing = false;
  std::string checkpointingScope = "all";  // with checkpointing: all, attention, resnets, alternate
  bool cachedLatents = true;         // false: the step also encodes the images and captions
  std::string optimizer = "adamw";   // adamw, adamw8bit
  std::int64_t loraRank = 0;         // > 0: LoRA on the attention projections, the UNet frozen
  bool channelsLast = false;
  bool referenceGeglu = false;       // GEGLU as ATen's separate kernels, not the fused ones
  bool referenceGroupNorm = false;   // channels-last group norm as ATen's (via NCHW copies), not ours
  bool cudnnAutotune = false;        // cuDNN times its convolution algorithms for each new shape
  int warmupSteps = 3;
  int steps = 10;
  std::string device = "cuda";       // cuda, cpu
  std::uint64_t seed = 1;
  std::string profilePath;           // non-empty: 2 more steps, after the timed ones, traced to this file
};

struct BenchmarkResult {
  double secondsPerStep = 0;
  // The first warm-up step (autotuning, CUDA module loading, allocations); none without warm-up steps.
  std::optional<double> firstStepSeconds;
  double imagesPerSecond = 0;
  double forwardFlopsPerImage = 0;  // the UNet's, analytic
  double achievedTflops = 0;        // 3 × forward FLOPs (forward + backward) per second
  double finalLoss = 0;
  std::int64_t unetParameters = 0;
  std::int64_t trainableParameters = 0;
  std::optional<double> peakGiB;    // the caching allocator's peak; only with a CUDA LibTorch
  std::int64_t latentSize = 0;
  std::int64_t resolution = 0;  // pixels a side (latentSize × the VAE's scale factor)
};

class GradientSync;

// Throws std::invalid_argument for options it cannot run, naming the option. With `sync`, each step's
// gradients are averaged over its ranks as data-parallel training does (each rank its own batch).
BenchmarkResult runTrainingBenchmark(const BenchmarkOptions& options,
                                     const std::function<void(const std::string&)>& progress = {},
                                     GradientSync* sync = nullptr);

}  // namespace sds::train
