#include "train/train_settings.h"

#include <filesystem>

#include "config/project.h"

namespace sds::train {
namespace {

// A path setting relative to the project file's folder; empty stays empty.
std::string resolve(const std::string& value, const std::filesystem::path& base) {
  if (value.empty()) return value;
  const std::filesystem::path p(value);
  return (p.is_absolute() ? p : base / p).lexically_normal().string();
}

}  // namespace

TrainSettings trainSettingsFrom(const config::Project& p, const std::string& projectFile) {
  namespace fs = std::filesystem;
  const fs::path file = fs::absolute(projectFile);
  const fs::path base = file.parent_path();
  TrainSettings s;
  s.projectFile = file.string();
  s.name = p.getString("project.name");

  s.modelPath = resolve(p.getString("model.path"), base);
  s.fromScratch = p.getString("model.init") == "scratch";
  s.architecture = p.getString("model.architecture");
  s.predictionType = p.getString("model.prediction_type");
  s.vaePath = resolve(p.getString("model.vae"), base);

  s.method = p.getString("training.method");
  s.maxSteps = p.getInt("training.max_steps");
  s.batchSize = static_cast<int>(p.getInt("training.batch_size"));
  s.gradientAccumulation = static_cast<int>(p.getInt("training.gradient_accumulation"));
  s.seed = static_cast<std::uint64_t>(p.getInt("training.seed"));
  s.device = p.getString("training.device");
  s.gpus = p.getString("distributed.gpus");
  s.cpuProcesses = static_cast<int>(p.getInt("distributed.cpu_processes"));
  s.shardOptimizer = p.getBool("training.shard_optimizer");
  s.exchangeTimeoutSeconds = p.getFloat("distributed.timeout_s");
  s.precision = p.getString("training.precision");
  s.gradientCheckpointing = p.getBool("training.gradient_checkpointing");
  s.checkpointingScope = p.getString("training.checkpointing_scope");
  s.channelsLast = p.getString("training.channels_last");
  s.trainUnet = p.getBool("training.train_unet");
  s.trainTextEncoder = p.getBool("training.train_text_encoder");
  s.maxGradNorm = p.getFloat("training.max_grad_norm");
  s.objective.noiseOffset = p.getFloat("training.noise_offset");
  s.objective.minSnrGamma = p.getFloat("training.min_snr_gamma");
  s.zeroTerminalSnr = p.getBool("training.zero_terminal_snr");
  s.objective.timestepMin = static_cast<int>(p.getInt("training.timestep_min"));
  s.objective.timestepMax = static_cast<int>(p.getInt("training.timestep_max"));
  s.vaeKlWeight = p.getFloat("training.vae_kl_weight");

  s.loraRank = static_cast<int>(p.getInt("lora.rank"));
  s.loraAlpha = p.getFloat("lora.alpha");
  s.loraDropout = p.getFloat("lora.dropout");
  s.loraTargets = p.getList("lora.target_modules");

  s.data = data::datasetSettings(p, base.string());
  s.generatedShapes = p.getString("dataset.kind") == "shapes";
  s.shapesCount = static_cast<int>(p.getInt("dataset.shapes_count"));
  s.cacheLatents = p.getBool("dataset.cache_latents");
  s.cacheTextEmbeddings = p.getBool("dataset.cache_text_embeddings");
  s.plan.buckets = s.data.buckets;
  s.plan.useBuckets = s.data.useBuckets;
  s.plan.randomCrop = p.getBool("resolution.random_crop");
  s.plan.flip = p.getBool("resolution.flip");
  s.plan.shuffleTags = p.getBool("dataset.shuffle_tags");
  s.plan.keepTags = static_cast<int>(p.getInt("dataset.keep_tags"));
  s.plan.captionDropout = p.getFloat("dataset.caption_dropout");
  s.plan.batchSize = static_cast<std::size_t>(s.batchSize);
  s.plan.seed = s.seed;

  s.adamw.eightBit = p.getString("optimizer.type") == "adamw8bit";
  s.adamw.beta1 = p.getFloat("optimizer.beta1");
  s.adamw.beta2 = p.getFloat("optimizer.beta2");
  s.adamw.weightDecay = p.getFloat("optimizer.weight_decay");
  s.adamw.epsilon = p.getFloat("optimizer.epsilon");
  s.textEncoderLearningRate = p.getFloat("optimizer.text_encoder_learning_rate");

  s.lrSchedule.type = p.getString("lr_schedule.type");
  s.lrSchedule.learningRate = p.getFloat("optimizer.learning_rate");
  s.lrSchedule.warmupSteps = p.getInt("lr_schedule.warmup_steps");
  s.lrSchedule.totalSteps = s.maxSteps;
  s.lrSchedule.cycles = static_cast<int>(p.getInt("lr_schedule.cycles"));
  s.lrSchedule.power = p.getFloat("lr_schedule.power");
  s.lrSchedule.endLearningRate = p.getFloat("lr_schedule.end_learning_rate");

  s.ema.enabled = p.getBool("ema.enabled");
  s.ema.decay = p.getFloat("ema.decay");
  s.ema.updateEvery = static_cast<int>(p.getInt("ema.update_every"));
  s.ema.onCpu = p.getBool("ema.on_cpu");

  s.checkpointEvery = p.getInt("checkpointing.every_n_steps");
  s.keepLast = static_cast<int>(p.getInt("checkpointing.keep_last"));
  s.saveOnStop = p.getBool("checkpointing.save_on_stop");
  const std::string resume = p.getString("checkpointing.resume_from");
  s.resumeFrom = resume == "latest" ? resume : resolve(resume, base);

  s.samples.every = p.getInt("sampling.every_n_steps");
  s.samples.prompts = p.getList("sampling.prompts");
  s.samples.negativePrompt = p.getString("sampling.negative_prompt");
  s.samples.seed = static_cast<std::uint64_t>(p.getInt("sampling.seed"));
  s.samples.steps = static_cast<int>(p.getInt("sampling.steps"));
  s.samples.guidance = p.getFloat("sampling.guidance");
  s.samples.sampler = p.getString("sampling.sampler");
  s.samples.width = static_cast<int>(p.getInt("sampling.width"));
  s.samples.height = static_cast<int>(p.getInt("sampling.height"));

  s.validationSplit = p.getFloat("validation.split");
  s.validationEvery = p.getInt("validation.every_n_steps");

  s.outputDirectory = runFolderOf(p, file.string());
  s.modelFormat = p.getString("output.model_format");
  s.loraFormat = p.getString("output.lora_format");
  s.savePrecision = p.getString("output.save_precision");
  s.tensorboard = p.getBool("output.tensorboard");

  s.swarm.enabled = p.getBool("swarm.enabled");
  // The key itself ("sdsrun-…" from sdtrain swarm new-key), or a file holding it.
  const std::string key = p.getString("swarm.run_key");
  s.swarm.runKey = key.rfind("sdsrun-", 0) == 0 || key.empty() ? key : resolve(key, base);
  s.swarm.peers = p.getList("swarm.peers");
  s.swarm.port = static_cast<int>(p.getInt("swarm.port"));
  s.swarm.publicAddress = p.getString("swarm.public_address");
  s.swarm.clientMode = p.getBool("swarm.client_mode");
  s.swarm.upnp = p.getBool("swarm.upnp");
  s.swarm.mode = p.getString("swarm.mode");
  s.swarm.targetBatchSize = p.getInt("swarm.target_batch_size");
  s.swarm.localSteps = static_cast<int>(p.getInt("swarm.local_steps"));
  s.swarm.overlapRounds = p.getBool("swarm.overlap_rounds");
  s.swarm.averageStateEvery = static_cast<int>(p.getInt("swarm.average_state_every"));
  s.swarm.outerLearningRate = p.getFloat("swarm.outer_learning_rate");
  s.swarm.outerMomentum = p.getFloat("swarm.outer_momentum");
  s.swarm.matchmakingSeconds = p.getFloat("swarm.matchmaking_time_s");
  s.swarm.averagingTimeoutSeconds = p.getFloat("swarm.averaging_timeout_s");
  s.swarm.maxGroupSize = static_cast<int>(p.getInt("swarm.max_group_size"));
  s.swarm.maxConnections = static_cast<int>(p.getInt("swarm.max_connections"));
  s.swarm.compression = p.getString("swarm.compression");
  s.swarm.aggregation = p.getString("swarm.aggregation");
  return s;
}

}  // namespace sds::train
