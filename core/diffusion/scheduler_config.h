#pragma once
// The noise-schedule part of a diffusers scheduler config (scheduler/scheduler_config.json), with the
// diffusers field names. Fields whose default differs between scheduler classes are optional, so each
// sampler applies its own class's default when the file does not say.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/config_error.h"

namespace sds::diffusion {

using SchedulerConfigError = io::ConfigError;

struct SchedulerConfig {
  int numTrainTimesteps = 1000;
  double betaStart = 0.0001;
  double betaEnd = 0.02;
  std::string betaSchedule = "linear";  // linear, scaled_linear, squaredcos_cap_v2
  std::vector<double> trainedBetas;     // used instead of the schedule when not empty
  std::string predictionType = "epsilon";  // epsilon, v_prediction, sample
  bool rescaleBetasZeroSnr = false;
  int stepsOffset = 0;
  std::optional<std::string> timestepSpacing;  // leading, linspace, trailing
  std::optional<bool> clipSample;              // DDIM
  double clipSampleRange = 1.0;
  std::optional<bool> setAlphaToOne;           // DDIM
  bool useKarrasSigmas = false;
  std::string finalSigmasType = "zero";        // zero, sigma_min
  std::string className;                       // "_class_name", for messages

  // Reads scheduler_config.json; unknown fields are ignored, unsupported values are refused by name.
  static SchedulerConfig fromFile(const std::string& path);
  static SchedulerConfig fromJson(const std::string& jsonText, const std::string& source);
};

// Stable Diffusion's training schedule (scaled-linear betas 0.00085…0.012 over 1000 steps) as its
// scheduler configs carry it, with diffusers' DDIM defaults for sampling: for models that carry no
// scheduler config (single-file checkpoints, models made from scratch).
SchedulerConfig stableDiffusionSchedule(const std::string& predictionType);

}  // namespace sds::diffusion
