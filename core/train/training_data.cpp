#include "train/training_data.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <thread>

#include "data/random.h"
#include "data/shapes_dataset.h"
#include "util/log.h"

namespace sds::train {

data::Dataset takeValidationSplit(data::Dataset& train, double fraction, std::uint64_t seed) {
  data::Dataset validation;
  validation.root = train.root;
  validation.concepts = train.concepts;
  const std::size_t n = train.samples.size();
  if (fraction <= 0 || n < 2) return validation;
  const std::size_t count =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n))), 1, n - 1);
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  data::Rng rng = data::Rng::derive(seed, 0x7A11D);
  rng.shuffle(order);
  std::vector<bool> held(n, false);
  for (std::size_t i = 0; i < count; ++i) held[order[i]] = true;
  std::vector<data::Sample> kept;
  for (std::size_t i = 0; i < n; ++i) (held[i] ? validation.samples : kept).push_back(train.samples[i]);
  train.samples = std::move(kept);
  return validation;
}

namespace {

void logIssues(const data::Dataset& dataset) {
  if (dataset.issues.empty()) return;
  std::map<std::string, std::size_t> byKind;
  for (const data::Issue& issue : dataset.issues) ++byKind[data::issueName(issue.kind)];
  std::string summary;
  for (const auto& [kind, count] : byKind) summary += (summary.empty() ? "" : ", ") + std::to_string(count) + " " + kind;
  log::warn("dataset: " + std::to_string(dataset.skipped()) + " of " + std::to_string(dataset.examined) +
            " images skipped (" + summary + "); sdtrain dataset check lists them all");
  const std::size_t shown = std::min<std::size_t>(dataset.issues.size(), 5);
  for (std::size_t i = 0; i < shown; ++i) log::warn("  " + dataset.issues[i].item + ": " + dataset.issues[i].message);
}

void finishPlans(const TrainSettings& s, TrainingData& d) {
  d.plan = s.plan;
  d.validationPlan = s.plan;
  d.validationPlan.randomCrop = false;
  d.validationPlan.flip = false;
  d.validationPlan.shuffleTags = false;
  d.validationPlan.captionDropout = 0;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const int workers = s.data.dataset.workers;
  d.workers = workers > 0 ? workers : static_cast<int>(std::min(cores, 8u));
}

}  // namespace

TrainingData loadTrainingData(const TrainSettings& s, const models::StableDiffusionModel& model,
                              const std::function<void(std::size_t, std::size_t)>& progress,
                              const ServedDatasetOpener& openServed) {
  const std::string& path = s.data.dataset.path;
  if (path.empty()) throw std::runtime_error("dataset.path is empty: name the folder or shards to train on");
  if (s.generatedShapes) {
    data::ShapesOptions shapes;
    shapes.folder = path;
    shapes.count = s.shapesCount;
    shapes.size = s.plan.buckets.resolution;
    shapes.seed = s.seed;
    const data::ShapesResult made = data::generateShapesDataset(shapes);
    log::info((made.reused ? "using the generated shapes in " : "generated " + std::to_string(made.written) +
                                                                    " images of shapes in ") +
              path);
  }
  data::DatasetOptions options = s.data.dataset;
  if (model.tokenizer) options.tokenizer = &*model.tokenizer;
  if (data::isServedDatasetUrl(path)) {
    if (!openServed)
      throw std::runtime_error("dataset.path " + path +
                               " names a dataset server, and this sdtrain was built without the swarm");
    TrainingData d;
    d.train.root = path;
    d.feed = openServed(s, options);
    if (s.validationSplit > 0)
      log::warn("validation.split is not used with a served dataset: every chunk is for training");
    log::info("dataset: served by " + path + ", one leased chunk per epoch");
    finishPlans(s, d);
    return d;
  }
  data::ScanCallbacks callbacks;
  callbacks.progress = progress;

  TrainingData d;
  d.train = data::scanDataset(options, callbacks);
  logIssues(d.train);
  if (d.train.samples.empty())
    throw std::runtime_error(path + " holds no usable image (" + std::to_string(d.train.examined) +
                             " examined); sdtrain dataset check " + path + " says why");
  d.validation = takeValidationSplit(d.train, s.validationSplit, s.seed);
  log::info(c10::str("dataset: ", d.train.samples.size(), " training images (", d.train.epochSize(),
                     " per epoch with repeats)", d.validation.samples.empty() ? "" : ", ",
                     d.validation.samples.empty() ? "" : std::to_string(d.validation.samples.size()) + " held out for validation"));

  finishPlans(s, d);
  return d;
}

}  // namespace sds::train
