#pragma once
// The data side of a run: the dataset scanned (the demo's generated first), its problems logged, a
// held-out validation split taken, and the epoch-plan options from the settings.

#include <cstddef>
#include <functional>

#include "data/dataset.h"
#include "data/epoch_plan.h"
#include "models/stable_diffusion.h"
#include "train/train_settings.h"

namespace sds::train {

struct TrainingData {
  data::Dataset train, validation;
  data::PlanOptions plan;            // training: crops, flips, caption transforms as configured
  data::PlanOptions validationPlan;  // validation: centre crops, no flips, captions as written
  int workers = 2;                   // loader threads
};

// Throws std::runtime_error naming the dataset when it holds no usable image.
TrainingData loadTrainingData(const TrainSettings& settings, const models::StableDiffusionModel& model,
                              const std::function<void(std::size_t done, std::size_t total)>& progress);

// Moves round(fraction × samples) samples, at least one when fraction > 0 and there are two or more,
// chosen by `seed`, from `train` into the returned validation set.
data::Dataset takeValidationSplit(data::Dataset& train, double fraction, std::uint64_t seed);

}  // namespace sds::train
