#pragma once
// What a training run does, read once from the project file: every setting the trainer uses, with
// paths resolved against the project file's folder. Torch-free.

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset_settings.h"
#include "data/epoch_plan.h"
#include "train/adamw_options.h"
#include "train/objective_options.h"
#include "train/lr_schedule.h"
#include "train/run_layout.h"

namespace sds::config {
class Project;
}

namespace sds::train {

struct TrainSettings {
  std::string projectFile;  // absolute
  std::string name;

  // model
  std::string modelPath;     // empty when starting from scratch
  bool fromScratch = false;
  std::string architecture;  // auto, sd1, sd2, sd2-v, sdxl, tiny
  std::string predictionType;  // auto, epsilon, v_prediction
  std::string vaePath;

  // training
  std::string method;  // full, lora, vae
  std::int64_t maxSteps = 1;
  int batchSize = 1;
  int gradientAccumulation = 1;
  std::uint64_t seed = 0;
  std::string device;     // auto, cpu, cuda
  std::string precision;  // fp32, bf16, fp16
  bool gradientCheckpointing = false;
  bool trainUnet = true;
  bool trainTextEncoder = false;
  double maxGradNorm = 1.0;
  bool zeroTerminalSnr = false;
  // noise offset, min-SNR γ and the timestep range; the prediction type comes from the model
  ObjectiveOptions objective;
  double vaeKlWeight = 1e-6;

  // lora
  int loraRank = 16;
  double loraAlpha = 16;
  double loraDropout = 0;
  std::vector<std::string> loraTargets;

  // dataset and resolution: the scan's options and the buckets by the rule that `sdtrain dataset
  // check` and the studio use (data/dataset_settings.h), and how epochs are planned from them
  // (buckets, crops, flips, caption transforms, batch size, seed). The training resolution is
  // plan.buckets.resolution.
  data::DatasetSettings data;
  data::PlanOptions plan;
  bool generatedShapes = false;  // dataset.kind = "shapes": the demo's images are made first
  int shapesCount = 256;
  bool cacheLatents = true;
  bool cacheTextEmbeddings = true;

  // optimizer and lr_schedule, as the components take them (the peak learning rate is
  // lrSchedule.learningRate, over lrSchedule.totalSteps = maxSteps)
  AdamWOptions adamw;
  double textEncoderLearningRate = 0;  // 0: the same as the UNet's
  LrScheduleOptions lrSchedule;

  // ema
  bool ema = false;
  double emaDecay = 0.9999;
  int emaUpdateEvery = 1;
  bool emaOnCpu = false;

  // checkpointing
  std::int64_t checkpointEvery = 0;
  int keepLast = 3;
  bool saveOnStop = true;
  std::string resumeFrom;  // empty, "latest", or a checkpoint folder (absolute)

  // sampling
  std::int64_t sampleEvery = 0;
  std::vector<std::string> samplePrompts;
  std::string negativePrompt;
  std::uint64_t sampleSeed = 0;
  int sampleSteps = 25;
  double guidance = 7.5;
  std::string sampler;
  int sampleWidth = 0, sampleHeight = 0;  // 0: the training resolution

  // validation
  double validationSplit = 0;
  std::int64_t validationEvery = 100;

  // output
  std::string outputDirectory;  // absolute: the run folder
  std::string modelFormat;      // diffusers, single_file, both
  std::string loraFormat;       // kohya, peft, both
  std::string savePrecision;    // fp32, fp16, bf16
  bool tensorboard = true;

  // Paths below the run folder (train/run_layout.h).
  std::string checkpointsFolder() const { return train::checkpointsFolder(outputDirectory); }
  std::string samplesFolder() const { return train::samplesFolder(outputDirectory); }
  std::string logsFolder() const { return train::logsFolder(outputDirectory); }
  std::string cacheFolder() const { return train::cacheFolder(outputDirectory); }
};

// Reads the settings of a valid project (config::checkProject has passed); `projectFile` anchors the
// relative paths.
TrainSettings trainSettingsFrom(const config::Project& project, const std::string& projectFile);

}  // namespace sds::train
