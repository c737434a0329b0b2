#pragma once
// The data side of a run: the dataset scanned (the demo's generated first), its problems logged, a
// held-out validation split taken, and the epoch-plan options from the settings.

#include <cstddef>
#include <functional>
#include <memory>

#include "data/dataset.h"
#include "data/epoch_datasets.h"
#include "data/epoch_plan.h"
#include "models/stable_diffusion.h"
#include "train/train_settings.h"

namespace sds::train {

struct TrainingData {
  data::Dataset train, validation;
  data::PlanOptions plan;            // training: crops, flips, caption transforms as configured
  data::PlanOptions validationPlan;  // validation: centre crops, no flips, captions as written
  int workers = 2;                   // loader threads
  // A served dataset: each epoch's samples come from here, and `train` stays empty.
  std::shared_ptr<data::EpochDatasets> feed;
};

using ServedDatasetOpener =
    std::function<std::unique_ptr<data::EpochDatasets>(const TrainSettings&, const data::DatasetOptions&)>;

// Throws std::runtime_error naming the dataset when it holds no usable image.
// A served dataset (dataset.path = "http://HOST:PORT") is opened with `openServed`.
TrainingData loadTrainingData(const TrainSettings& settings, const models::StableDiffusionModel& model,
                              const std::function<void(std::size_t done, std::size_t total)>& progress,
                              const ServedDatasetOpener& openServed = {});

// Moves round(fraction × samples) samples, at least one when fraction > 0 and there are two or more,
// chosen by `seed`, from `train` into the returned validation set.
data::Dataset takeValidationSplit(data::Dataset& train, double fraction, std::uint64_t seed);

}  // namespace sds::train
