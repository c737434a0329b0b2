#include "pipelines/sampling_benchmark.h"

#include <torch/torch.h>

#include <chrono>
#include <stdexcept>

#include "models/benchmark_architecture.h"
#include "models/channels_last.h"
#include "models/io/model_loader.h"
#include "models/scratch_model.h"
#include "pipelines/txt2img.h"
#include "runtime/device.h"
#include "runtime/gpu_memory.h"
#include "runtime/kernel_profile.h"
#include "runtime/precision.h"

namespace sds::pipelines {

SamplingBenchmarkResult runSamplingBenchmark(const SamplingBenchmarkOptions& o,
                                             const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  // A name of the benchmarks' architectures, or a model of the user's.
  const std::optional<models::BenchmarkArchitecture> named = models::findBenchmarkArchitecture(o.model);
  if (o.batch < 1 || o.steps < 1) throw std::invalid_argument("bench --batch and --steps must be positive");
  c10::Device device(c10::kCPU);
  try {
    device = runtime::resolveDevice(o.device, "bench --device " + o.device);
  } catch (const runtime::DeviceUnavailable& e) {
    throw std::invalid_argument(std::string(e.what()) + "; " + e.hint);
  }
  const std::optional<c10::ScalarType> dtype = runtime::scalarTypeOf(o.precision);
  if (!dtype || *dtype == torch::kFloat64)
    throw std::invalid_argument("bench --precision \"" + o.precision + "\" is not known; expected fp32, bf16 or fp16");
  if (device.is_cpu() && !runtime::cpuSupports(*dtype))
    throw std::invalid_argument("bench --precision " + o.precision + ": this LibTorch cannot run it on the CPU");

  models::StableDiffusionModel model;
  if (named) {
    say("creating the " + o.model + " model with random weights");
    model = models::createScratchModel(named->scratchName, o.seed);
  } else {
    say("loading " + o.model);
    try {
      model = models::loadModel(o.model, *dtype);
    } catch (const std::exception& e) {  // a path that is no model, or a broken one
      throw std::invalid_argument("bench --model " + o.model + " is not sd15, sd21, sdxl or tiny, nor a model: " +
                                  e.what());
    }
  }
  model.to(device, *dtype);
  if (o.channelsLast) models::toChannelsLast(*model.unet);

  Txt2ImgParams params;
  params.prompt = "a photograph of a red fox in the snow";
  params.negativePrompt = "";
  params.guidance = o.guidance;
  params.sampler = o.sampler;
  params.batch = static_cast<int>(o.batch);
  params.width = params.height = static_cast<int>(o.resolution);
  params.seed = o.seed;
  const std::optional<models::VaeTiling> tiling = models::vaeTilingNamed(o.vaeTiling);
  if (!tiling) throw std::invalid_argument("bench --vae-tiling \"" + o.vaeTiling + "\": expected auto, on or off");
  params.vaeTiling = *tiling;
  auto generationSeconds = [&](int steps) {  // txt2img returns host memory: the GPU has finished
    params.steps = steps;
    const auto start = std::chrono::steady_clock::now();
    txt2img(model, params);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  SamplingBenchmarkResult result;
  result.resolution = o.resolution > 0 ? o.resolution
                                       : model.unet->config.sampleSize * model.vae->config.scaleFactor();
  runtime::resetGpuMemoryPeak();
  say("warm-up: a generation of 2 steps");
  result.firstGenerationSeconds = generationSeconds(2);
  say("timing generations of 1 and " + std::to_string(1 + o.steps) + " steps");
  result.oneStepGenerationSeconds = generationSeconds(1);
  const double longer = generationSeconds(1 + o.steps);
  result.secondsPerStep = (longer - result.oneStepGenerationSeconds) / o.steps;
  if (const auto memory = runtime::gpuMemory()) result.peakGiB = memory->peakAllocatedGiB;
  if (!o.profilePath.empty()) {
    say("profiling a generation of 3 steps into " + o.profilePath);
    runtime::KernelProfile profile(device.is_cuda());
    generationSeconds(3);
    profile.saveTrace(o.profilePath);
  }
  return result;
}

}  // namespace sds::pipelines
