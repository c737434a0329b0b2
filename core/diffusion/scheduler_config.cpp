#include "diffusion/scheduler_config.h"

#include "io/json_config.h"

namespace sds::diffusion {
namespace {

constexpr const char* kExpected = "a diffusers scheduler_config.json";

SchedulerConfig parse(const io::JsonConfig& r) {
  SchedulerConfig c;
  r.read("_class_name", c.className);
  r.read("num_train_timesteps", c.numTrainTimesteps);
  r.read("beta_start", c.betaStart);
  r.read("beta_end", c.betaEnd);
  r.read("beta_schedule", c.betaSchedule);
  r.read("trained_betas", c.trainedBetas);
  r.read("prediction_type", c.predictionType);
  r.read("rescale_betas_zero_snr", c.rescaleBetasZeroSnr);
  r.read("steps_offset", c.stepsOffset);
  r.read("timestep_spacing", c.timestepSpacing);
  r.read("clip_sample", c.clipSample);
  r.read("clip_sample_range", c.clipSampleRange);
  r.read("set_alpha_to_one", c.setAlphaToOne);
  r.read("use_karras_sigmas", c.useKarrasSigmas);
  r.read("final_sigmas_type", c.finalSigmasType);

  if (c.trainedBetas.empty())
    r.requireOneOf("beta_schedule", c.betaSchedule, {"linear", "scaled_linear", "squaredcos_cap_v2"});
  r.requireOneOf("prediction_type", c.predictionType, {"epsilon", "v_prediction", "sample"});
  if (c.timestepSpacing) r.requireOneOf("timestep_spacing", *c.timestepSpacing, {"leading", "linspace", "trailing"});
  r.requireOneOf("final_sigmas_type", c.finalSigmasType, {"zero", "sigma_min"});
  if (c.numTrainTimesteps < 2 || c.numTrainTimesteps > 100000)
    r.fail("num_train_timesteps", "is " + std::to_string(c.numTrainTimesteps) + "; expected 2 to 100000");
  if (!c.trainedBetas.empty() && static_cast<int>(c.trainedBetas.size()) != c.numTrainTimesteps)
    r.fail("trained_betas", "has " + std::to_string(c.trainedBetas.size()) +
                                " values; expected num_train_timesteps = " + std::to_string(c.numTrainTimesteps));
  return c;
}

}  // namespace

SchedulerConfig SchedulerConfig::fromJson(const std::string& jsonText, const std::string& source) {
  return parse(io::JsonConfig::fromText(jsonText, source, kExpected));
}

SchedulerConfig SchedulerConfig::fromFile(const std::string& path) {
  return parse(io::JsonConfig::fromFile(path, kExpected));
}

SchedulerConfig stableDiffusionSchedule(const std::string& predictionType) {
  SchedulerConfig s;
  s.className = "DDIMScheduler";
  s.numTrainTimesteps = 1000;
  s.betaStart = 0.00085;
  s.betaEnd = 0.012;
  s.betaSchedule = "scaled_linear";
  s.stepsOffset = 1;
  s.timestepSpacing = "leading";
  s.clipSample = false;
  s.setAlphaToOne = false;
  s.predictionType = predictionType;
  return s;
}

}  // namespace sds::diffusion
