#pragma once
// What a training run does, read once from the project file: every setting the trainer uses, with
// paths resolved against the project file's folder. Torch-free. Only trainSettingsFrom fills it, so the
// defaults are the schema's (config/schema_project.cpp); the components' option structs keep the same
// defaults for their other callers, and test_train_settings holds them equal.

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset_settings.h"
#include "data/epoch_plan.h"
#include "train/adamw_options.h"
#include "train/ema_options.h"
#include "train/lr_schedule.h"
#include "train/objective_options.h"
#include "train/run_layout.h"
#include "train/sample_options.h"

namespace sds::config {
class Project;
}

namespace sds::train {

// The [swarm] section: training as one peer of a swarm (docs/swarm.md).
struct SwarmSettings {
  bool enabled = false;
  std::string runKey;                // the key itself or, resolved, the file holding it
  std::vector<std::string> peers;    // host:port of DHT nodes
  int port = 0;
  std::string publicAddress;
  bool clientMode = false;
  bool upnp = true;                  // map the port at the home router when no public address is given
  std::string mode = "sync";         // sync, diloco
  std::int64_t targetBatchSize = 256;
  int localSteps = 100;              // diloco: local steps between rounds
  bool overlapRounds = true;         // diloco: a round averages while the next window trains
  int averageStateEvery = 10;        // sync: epochs between averagings of weights and optimizer moments
  double outerLearningRate = 0.7;
  double outerMomentum = 0.9;
  double matchmakingSeconds = 5;
  double averagingTimeoutSeconds = 30;
  int maxGroupSize = 16;
  int maxConnections = 256;
  std::string compression = "auto";  // auto, none, fp16, uniform8, quantile8
  std::string aggregation = "mean";  // mean, centered_clip
};

struct TrainSettings {
  std::string projectFile;  // absolute
  std::string name;

  // model
  std::string modelPath;     // empty when starting from scratch
  bool fromScratch{};
  std::string architecture;  // auto, sd1, sd2, sd2-v, sdxl, tiny
  std::string predictionType;  // auto, epsilon, v_prediction
  std::string vaePath;

  // training
  std::string method;  // full, lora, vae
  std::int64_t maxSteps{};
  int batchSize{};
  int gradientAccumulation{};
  std::uint64_t seed{};
  std::string device;     // auto, cpu, cuda
  // data parallelism (distributed section): which GPUs, how many CPU processes, the exchange timeout
  std::string gpus;       // all, a count, or indices "0,2"
  int cpuProcesses{};
  bool shardOptimizer{};  // ZeRO-1: each rank holds the optimizer state of its share of the parameters
  double exchangeTimeoutSeconds{};
  std::string precision;  // fp32, bf16, fp16
  bool gradientCheckpointing{};
  std::string checkpointingScope;  // all, attention, resnets, alternate (models/checkpoint_scope.h)
  std::string channelsLast;        // auto, on, off: the UNet's layout on a GPU
  bool trainUnet{};
  bool trainTextEncoder{};
  double maxGradNorm{};
  bool zeroTerminalSnr{};
  // noise offset, min-SNR γ and the timestep range; the prediction type comes from the model
  ObjectiveOptions objective;
  double vaeKlWeight{};

  // lora
  int loraRank{};
  double loraAlpha{};
  double loraDropout{};
  std::vector<std::string> loraTargets;

  // dataset and resolution: the scan's options and the buckets by the rule that `sdtrain dataset
  // check` and the studio use (data/dataset_settings.h), and how epochs are planned from them
  // (buckets, crops, flips, caption transforms, batch size, seed). The training resolution is
  // plan.buckets.resolution.
  data::DatasetSettings data;
  data::PlanOptions plan;
  bool generatedShapes{};  // dataset.kind = "shapes": the demo's images are made first
  int shapesCount{};
  bool cacheLatents{};
  bool cacheTextEmbeddings{};

  // optimizer and lr_schedule, as the components take them (the peak learning rate is
  // lrSchedule.learningRate, over lrSchedule.totalSteps = maxSteps)
  AdamWOptions adamw;
  double textEncoderLearningRate{};  // 0: the same as the UNet's
  LrScheduleOptions lrSchedule;

  EmaOptions ema;

  // checkpointing
  std::int64_t checkpointEvery{};
  int keepLast{};
  bool saveOnStop{};
  std::string resumeFrom;  // empty, "latest", or a checkpoint folder (absolute)

  SampleOptions samples;

  // validation
  double validationSplit{};
  std::int64_t validationEvery{};

  // output
  std::string outputDirectory;  // absolute: the run folder
  std::string modelFormat;      // diffusers, single_file, both
  std::string loraFormat;       // kohya, peft, both
  std::string savePrecision;    // fp32, fp16, bf16
  bool tensorboard{};

  SwarmSettings swarm;

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
