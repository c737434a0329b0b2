#include "train/training_benchmark.h"

#include "train/gradient_sync.h"

#include <torch/torch.h>

#include <chrono>
#include <stdexcept>

#include "diffusion/noise_schedule.h"
#include "models/attention.h"
#include "models/benchmark_architecture.h"
#include "models/checkpoint_scope.h"
#include "models/channels_last.h"
#include "models/fused_kernels.h"
#include "models/lora.h"
#include "models/prompt_encoder.h"
#include "models/scratch_model.h"
#include "models/unet_flops.h"
#include "runtime/gpu_memory.h"
#include "runtime/gpu_tuning.h"
#include "runtime/device.h"
#include "runtime/precision.h"
#include "runtime/kernel_profile.h"
#include "train/adamw.h"
#include "train/diffusion_objective.h"
#include "train/gradient_clipping.h"
#include "train/loss_scaler.h"

namespace sds::train {
namespace {

c10::ScalarType dtypeOf(const std::string& precision, bool cuda) {
  const std::optional<c10::ScalarType> dtype = runtime::scalarTypeOf(precision);
  if (!dtype || *dtype == torch::kFloat64)
    throw std::invalid_argument("bench --precision \"" + precision + "\" is not known; expected fp32, bf16 or fp16");
  if (*dtype != torch::kFloat32 && !cuda)
    throw std::invalid_argument("bench --precision " + precision + " needs --device cuda; the CPU trains in fp32");
  return *dtype;
}

}  // namespace

BenchmarkResult runTrainingBenchmark(const BenchmarkOptions& o, const std::function<void(const std::string&)>& progress,
                                     GradientSync* sync) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  const models::BenchmarkArchitecture arch = models::benchmarkArchitecture(o.model);
  if (o.device != "cuda" && o.device != "cpu") throw std::invalid_argument("bench --device \"" + o.device + "\": expected cuda or cpu");
  c10::Device device(c10::kCPU);
  try {
    device = runtime::resolveDevice(o.device, "bench --device " + o.device);
  } catch (const runtime::DeviceUnavailable& e) {
    throw std::invalid_argument(std::string(e.what()) + "; " + e.hint);
  }
  const bool cuda = device.is_cuda();
  if (o.batch < 1 || o.steps < 1 || o.warmupSteps < 0) throw std::invalid_argument("bench: --batch and --steps must be positive");
  if (o.attention != "sdpa" && o.attention != "torch-sdpa" && o.attention != "math")
    throw std::invalid_argument("bench --attention \"" + o.attention + "\" is not known; expected sdpa, torch-sdpa or math");
  if (o.optimizer != "adamw" && o.optimizer != "adamw8bit")
    throw std::invalid_argument("bench --optimizer \"" + o.optimizer + "\" is not known; expected adamw or adamw8bit");
  runtime::applyGpuTrainingSettings(device, o.cudnnAutotune);
  const c10::ScalarType dtype = dtypeOf(o.precision, cuda);
  models::setAttentionImplementation(o.attention == "sdpa"         ? models::AttentionImplementation::Fused
                                     : o.attention == "torch-sdpa" ? models::AttentionImplementation::TorchFused
                                                                   : models::AttentionImplementation::Explicit);

  // Random weights of the real shapes. With cached latents only the UNet takes part.
  say("creating the " + o.model + " model with random weights");
  torch::manual_seed(static_cast<std::int64_t>(o.seed));
  models::StableDiffusionModel model;
  if (o.cachedLatents && arch.unetPreset[0] != '\0') {
    model.unet = models::UNet2DConditionModel(models::UNetConfig::preset(arch.unetPreset));
    model.family = o.model == "sdxl" ? models::ModelFamily::SDXL : o.model == "sd21" ? models::ModelFamily::SD2
                                                                                  : models::ModelFamily::SD1;
  } else {
    model = models::createScratchModel(arch.scratchName, o.seed);
    model.textEncoder->to(device, dtype);
    if (model.textEncoder2) model.textEncoder2->to(device, dtype);
    model.vae->to(device, dtype);
    model.textEncoder->eval();
    if (model.textEncoder2) model.textEncoder2->eval();
    model.vae->eval();
  }
  models::UNet2DConditionModel& unet = model.unet;
  const models::UNetConfig& config = unet->config;
  unet->to(device, dtype);
  unet->train();
  if (o.channelsLast) models::toChannelsLast(*unet);
  models::setFusedGeglu(!o.referenceGeglu);
  models::setFusedGroupNorm(!o.referenceGroupNorm);
  const std::optional<models::CheckpointScope> scope = models::checkpointScopeNamed(o.checkpointingScope);
  if (!scope || *scope == models::CheckpointScope::None)
    throw std::invalid_argument("bench --checkpointing-scope \"" + o.checkpointingScope +
                                "\" is not known; expected all, attention, resnets or alternate");
  unet->setGradientCheckpointing(o.checkpointing ? *scope : models::CheckpointScope::None);

  std::vector<std::pair<std::string, at::Tensor>> trainable;
  BenchmarkResult result;
  for (const auto& item : unet->named_parameters()) result.unetParameters += item.value().numel();
  if (o.loraRank > 0) {
    for (at::Tensor& p : unet->parameters()) p.set_requires_grad(false);
    models::LoraOptions lora;
    lora.rank = o.loraRank;
    lora.alpha = double(o.loraRank);
    models::attachLora(*unet, lora);
    for (const auto& item : unet->named_parameters())
      if (item.value().requires_grad() && item.key().find(".lora.") != std::string::npos)
        trainable.emplace_back(item.key(), item.value());
  } else {
    for (const auto& item : unet->named_parameters()) trainable.emplace_back(item.key(), item.value());
  }
  for (const auto& [name, p] : trainable) result.trainableParameters += p.numel();
  AdamWOptions adamw;
  adamw.eightBit = o.optimizer == "adamw8bit";
  AdamW optimizer(trainable, adamw);
  if (sync) {  // as the trainer does: gradients sent bucket by bucket while backward runs
    std::vector<at::Tensor> parameters;
    for (const auto& [name, p] : trainable) parameters.push_back(p);
    sync->watch(parameters);
  }
  LossScaler scaler(dtype == torch::kHalf);

  const diffusion::NoiseSchedule schedule(diffusion::stableDiffusionSchedule(arch.prediction));
  ObjectiveOptions objective;
  objective.predictionType = arch.prediction;
  const std::int64_t vaeFactor = model.vae ? (std::int64_t{1} << (model.vae->config.blockOutChannels.size() - 1)) : 8;
  const std::int64_t resolution = o.resolution > 0 ? o.resolution : config.sampleSize * vaeFactor;
  if (resolution % vaeFactor != 0)
    throw std::invalid_argument("bench --resolution must be a multiple of " + std::to_string(vaeFactor));
  const std::int64_t side = resolution / vaeFactor;
  result.latentSize = side;
  result.resolution = resolution;
  const std::int64_t crossDim = models::UNetConfig::perBlock(config.crossAttentionDim, 0);
  const auto options = torch::TensorOptions().device(device).dtype(dtype);
  const std::vector<std::string> captions(static_cast<std::size_t>(o.batch), "a photograph of a red fox in the snow");

  auto step = [&](int index) {
    torch::manual_seed(static_cast<std::int64_t>(o.seed) + index);
    at::Tensor latents;
    models::UNetConditioning conditioning;
    if (o.cachedLatents) {
      latents = torch::randn({o.batch, config.inChannels, side, side}, options);
      const std::int64_t tokens = model.tokenizer ? model.tokenizer->maxLength() : 77;
      conditioning.encoderHiddenStates = torch::randn({o.batch, tokens, crossDim}, options);
    } else {
      // As the trainer does without caches: encode the images (sampling the posterior) and captions.
      torch::NoGradGuard noGrad;
      const at::Tensor pixels = torch::rand({o.batch, 3, resolution, resolution}, options) * 2 - 1;
      const models::LatentDistribution d = model.vae->encode(pixels);
      latents = ((d.mean + torch::exp(0.5 * d.logvar) * torch::randn_like(d.mean)) * model.vae->config.scalingFactor)
                    .to(dtype);
      const models::PromptEmbeddings e = models::encodePrompts(model, captions);
      conditioning.encoderHiddenStates = e.hidden.to(device, dtype);
      if (e.pooled.defined()) conditioning.textEmbeds = e.pooled.to(device, dtype);
    }
    if (config.additionEmbedType == "text_time") {
      if (!conditioning.textEmbeds.defined())
        conditioning.textEmbeds = torch::randn({o.batch, config.projectionClassEmbeddingsInputDim -
                                                             6 * config.additionTimeEmbedDim},
                                               options);
      conditioning.timeIds = torch::tensor({double(resolution), double(resolution), 0.0, 0.0, double(resolution),
                                            double(resolution)},
                                           torch::TensorOptions().dtype(torch::kFloat32))
                                 .repeat({o.batch, 1})
                                 .to(device, dtype);
    }
    if (o.channelsLast) latents = latents.contiguous(at::MemoryFormat::ChannelsLast);
    const NoisedBatch noised = noiseBatch(schedule, latents, objective);
    const at::Tensor loss = weightedMse(unet->forward(noised.noisy, noised.timesteps, conditioning), noised);
    if (sync) sync->beforeLastBackward();
    scaler.scaled(loss).backward();
    std::vector<at::Tensor> gradients;
    for (const auto& [name, p] : trainable)
      if (p.grad().defined()) gradients.push_back(p.grad());
    if (sync) sync->average(gradients);
    const bool finite = scaler.unscale(gradients);
    clipGradientNorm(gradients, 1.0, finite);
    if (finite) optimizer.step(1e-5);
    scaler.update(finite);
    optimizer.zeroGrad();
    return loss.item<double>();  // waits for the step, as the trainer does
  };

  runtime::resetGpuMemoryPeak();
  for (int i = 0; i < o.warmupSteps; ++i) {
    say("warm-up step " + std::to_string(i + 1) + " of " + std::to_string(o.warmupSteps));
    const auto begin = std::chrono::steady_clock::now();
    step(i);
    if (i == 0) result.firstStepSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  }
  say("timing " + std::to_string(o.steps) + " steps");
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < o.steps; ++i) result.finalLoss = step(o.warmupSteps + i);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  result.secondsPerStep = seconds / o.steps;
  result.imagesPerSecond = double(o.batch) / result.secondsPerStep;
  result.forwardFlopsPerImage = models::unetForwardFlops(config, 1, side, side);
  result.achievedTflops = 3 * result.forwardFlopsPerImage * result.imagesPerSecond / 1e12;
  if (const auto memory = runtime::gpuMemory()) result.peakGiB = memory->peakAllocatedGiB;
  if (!o.profilePath.empty()) {
    // Outside the timed steps: the profiler's own overhead must not enter the figures.
    say("profiling 2 steps into " + o.profilePath);
    runtime::KernelProfile profile(cuda);
    for (int i = 0; i < 2; ++i) step(o.warmupSteps + o.steps + i);
    profile.saveTrace(o.profilePath);
  }
  models::setAttentionImplementation(models::AttentionImplementation::Fused);
  return result;
}

}  // namespace sds::train
