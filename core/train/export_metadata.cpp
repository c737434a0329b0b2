#include "train/export_metadata.h"

#include <ctime>
#include <filesystem>

#include "util/sha256.h"
#include "util/text.h"

namespace sds::train {
namespace {

// Python's repr of a float, as kohya's str() of its float settings writes them ("0.0001", "1.0").
std::string number(double v) { return text::formatDouble(v); }

// Python's str() of a bool, as kohya writes them.
std::string pythonBool(bool b) { return b ? "True" : "False"; }

// modelspec.architecture: the original model's id, "/lora" for an adapter.
std::string architecture(const ExportedModel& m, int resolution) {
  if (m.family == "sdxl") return "stable-diffusion-xl-v1-base";
  if (m.family == "sd2") return m.vPrediction || resolution >= 768 ? "stable-diffusion-v2-768-v" : "stable-diffusion-v2-512";
  return "stable-diffusion-v1";
}

// kohya's ss_base_model_version.
std::string baseModelVersion(const ExportedModel& m) {
  if (m.family == "sdxl") return "sdxl_base_v1-0";
  return std::string(m.family == "sd2" ? "sd_v2" : "sd_v1") + (m.vPrediction ? "_v" : "");
}

std::string mixedPrecision(const std::string& precision) { return precision == "fp32" ? "no" : precision; }

void addModelSpec(std::map<std::string, std::string>& meta, const TrainSettings& s, const ExportedModel& m,
                  const std::string& date) {
  const int resolution = s.plan.buckets.resolution;
  meta["modelspec.sai_model_spec"] = "1.0.1";
  meta["modelspec.title"] = s.name;
  meta["modelspec.date"] = date;
  meta["modelspec.resolution"] = std::to_string(resolution) + "x" + std::to_string(resolution);
  meta["modelspec.prediction_type"] = m.vPrediction ? "v" : "epsilon";
  meta["modelspec.architecture"] = architecture(m, resolution);
  if (s.objective.timestepMin != 0 || s.objective.timestepMax != 999)
    meta["modelspec.timestep_range"] = std::to_string(s.objective.timestepMin) + "," + std::to_string(s.objective.timestepMax);
}

}  // namespace

BaseModelIdentity identifyBaseModel(const TrainSettings& s) {
  namespace fs = std::filesystem;
  BaseModelIdentity id;
  if (s.fromScratch) {
    id.name = "scratch-" + s.architecture;
    return id;
  }
  const fs::path path = fs::path(s.modelPath).lexically_normal();
  id.name = (path.has_filename() ? path.filename() : path.parent_path().filename()).string();
  if (fs::is_regular_file(path)) {
    id.sha256 = sha256OfFile(path.string());
    id.legacyHash = sha256OfFile(path.string(), 0x100000, 0x10000).substr(0, 8);
  }
  return id;
}

std::map<std::string, std::string> loraFileMetadata(const TrainSettings& s, const ExportedModel& m,
                                                    const BaseModelIdentity& base, const std::string& date) {
  std::map<std::string, std::string> meta;
  addModelSpec(meta, s, m, date);
  meta["modelspec.architecture"] += "/lora";
  // kohya's SDXL LoRAs use the original (sgm) module layout, its SD 1.x/2.x ones diffusers'.
  meta["modelspec.implementation"] = m.family == "sdxl" ? "https://github.com/Stability-AI/generative-models" : "diffusers";

  const int resolution = s.plan.buckets.resolution;
  meta["ss_output_name"] = s.name;
  meta["ss_sd_model_name"] = base.name;
  if (!base.sha256.empty()) {
    meta["ss_new_sd_model_hash"] = base.sha256;
    meta["ss_sd_model_hash"] = base.legacyHash;
  }
  meta["ss_base_model_version"] = baseModelVersion(m);
  meta["ss_v2"] = pythonBool(m.family == "sd2");
  meta["ss_resolution"] = "(" + std::to_string(resolution) + ", " + std::to_string(resolution) + ")";
  meta["ss_network_dropout"] = number(s.loraDropout);
  meta["ss_learning_rate"] = number(s.lrSchedule.learningRate);
  meta["ss_unet_lr"] = number(s.lrSchedule.learningRate);
  meta["ss_text_encoder_lr"] = number(s.textEncoderLearningRate > 0 ? s.textEncoderLearningRate : s.lrSchedule.learningRate);
  meta["ss_lr_scheduler"] = s.lrSchedule.type;
  meta["ss_lr_warmup_steps"] = std::to_string(s.lrSchedule.warmupSteps);
  meta["ss_max_train_steps"] = std::to_string(s.maxSteps);
  meta["ss_batch_size_per_device"] = std::to_string(s.batchSize);
  meta["ss_gradient_accumulation_steps"] = std::to_string(s.gradientAccumulation);
  meta["ss_gradient_checkpointing"] = pythonBool(s.gradientCheckpointing);
  meta["ss_mixed_precision"] = mixedPrecision(s.precision);
  meta["ss_optimizer"] = s.adamw.eightBit ? "AdamW8bit" : "AdamW";
  meta["ss_max_grad_norm"] = number(s.maxGradNorm);
  meta["ss_seed"] = std::to_string(s.seed);
  meta["ss_noise_offset"] = number(s.objective.noiseOffset);
  meta["ss_min_snr_gamma"] = number(s.objective.minSnrGamma);
  meta["ss_zero_terminal_snr"] = pythonBool(s.zeroTerminalSnr);
  meta["ss_caption_dropout_rate"] = number(s.plan.captionDropout);
  meta["ss_shuffle_caption"] = pythonBool(s.plan.shuffleTags);
  meta["ss_keep_tokens"] = std::to_string(s.plan.keepTags);
  meta["ss_flip_aug"] = pythonBool(s.plan.flip);
  meta["ss_random_crop"] = pythonBool(s.plan.randomCrop);
  meta["ss_enable_bucket"] = pythonBool(s.plan.useBuckets);
  meta["ss_min_bucket_reso"] = std::to_string(s.plan.buckets.minSide);
  meta["ss_max_bucket_reso"] = std::to_string(s.plan.buckets.maxSide);
  meta["ss_cache_latents"] = pythonBool(s.cacheLatents);
  return meta;
}

std::map<std::string, std::string> checkpointFileMetadata(const TrainSettings& s, const ExportedModel& m,
                                                          const std::string& date) {
  std::map<std::string, std::string> meta;
  addModelSpec(meta, s, m, date);
  meta["modelspec.implementation"] = "https://github.com/Stability-AI/generative-models";
  return meta;
}

std::string isoDateNow() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
  return text;
}

}  // namespace sds::train
