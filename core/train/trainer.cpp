#include "train/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "data/image_reader.h"
#include "train/data/latent_cache.h"
#include "train/data/model_identity.h"
#include "train/data/text_embedding_cache.h"
#include "diffusion/noise_schedule.h"
#include "models/channels_last.h"
#include "models/prompt_encoder.h"
#include "train/adamw.h"
#include "train/batch_stream.h"
#include "train/checkpoint_store.h"
#include "train/diffusion_objective.h"
#include "train/gradient_clipping.h"
#include "runtime/gpu_memory.h"
#include "runtime/gpu_tuning.h"
#include "train/ema.h"
#include "train/out_of_memory.h"
#include "runtime/process_group.h"
#include "train/gradient_sync.h"
#include "train/loss_scaler.h"
#include "train/lr_schedule.h"
#include "train/model_export.h"
#include "train/row_draws.h"
#include "train/run_identity.h"
#include "train/sample_writer.h"
#include "train/tfevents.h"
#include "train/training_data.h"
#include "train/training_model.h"
#include "util/atomic_file.h"
#include "util/log.h"

namespace sds::train {

void TrainerControl::apply(const protocol::Command& command) {
  using Kind = protocol::Command::Kind;
  switch (command.kind) {
    case Kind::Pause: requestPause(); break;
    case Kind::Resume: requestResume(); break;
    case Kind::Stop: requestStop(command.save); break;
    case Kind::Save: requestSave(); break;
    case Kind::Sample: requestSample(); break;
    case Kind::SwarmJoin:
    case Kind::SwarmLeave: break;  // for the exchange: sdtrain hands them to its swarm peer
  }
}

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kReconstructionImages = 4;  // shown by a VAE run's samples

// A problem that ends the run, with advice.
struct TrainingFailure : std::runtime_error {
  TrainingFailure(const std::string& message, std::string hint) : std::runtime_error(message), hint(std::move(hint)) {}
  std::string hint;
};

// The seed of one micro-step's random draws (latent samples, noise, timesteps, dropout): a function of
// the run's seed and the position only, so a resumed run draws exactly what an uninterrupted one would.
std::uint64_t stepSeed(std::uint64_t seed, std::int64_t step, int micro) {
  std::uint64_t z = seed ^ (0x9E3779B97F4A7C15ull * (static_cast<std::uint64_t>(step) * 4096 + micro + 1));
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) & 0x7FFFFFFFFFFFFFFFull;
}

bool isOutOfMemory(const std::exception& e) {
  const std::string what = e.what();
  return what.find("out of memory") != std::string::npos || what.find("CUBLAS_STATUS_ALLOC_FAILED") != std::string::npos;
}

// What the ranks of a data-parallel run agree on before each step (any rank may stop the run; the
// studio's and the user's other requests reach rank 0).
struct Requests {
  bool stop = false, save = false, sample = false, pause = false;
  bool stopWithoutSaving = false;  // the studio's "cancel without a checkpoint", as rank 0 received it
};

class Run {
 public:
  Run(const TrainSettings& s, TrainerControl& control, const TrainerCallbacks& callbacks, GradientSync& sync)
      : s_(s), control_(control), callbacks_(callbacks), store_(s.checkpointsFolder(), s.keepLast), sync_(sync) {}

  TrainResult run();

 private:
  bool isMain() const { return sync_.rank() == 0; }
  // Rank 0 reports; the others only their own errors (a launcher names the rank that failed).
  void emit(const protocol::Event& e) {
    if (callbacks_.event && (isMain() || std::holds_alternative<protocol::ErrorEvent>(e))) callbacks_.event(e);
  }
  void state(const std::string& name, const std::string& detail = {}) {
    phase_ = name;
    emit(protocol::StateEvent{name, detail});
  }

  std::optional<Checkpoint> findCheckpoint();
  void prepare(const std::optional<Checkpoint>& checkpoint);
  void restore(const Checkpoint& checkpoint);
  void resumeOnThisGroup(const Checkpoint& checkpoint);
  bool sharded() const { return s_.shardOptimizer && sync_.worldSize() > 1; }
  void assignOwners();
  void shareUpdatedWeights();
  std::int64_t globalBatchSize() const {
    return static_cast<std::int64_t>(data_.plan.batchSize) * sync_.worldSize();
  }
  void trainLoop();
  bool handleRequests();  // false: stop
  Requests agreeOnRequests();
  bool stopRequestedByAnyRank();
  void shareStartingWeights();
  void checkpointTogether();  // rank 0 saves while the others wait
  void sampleTogether();
  double microStep(const data::TrainingBatch& batch, int micro);
  at::Tensor latentsOf(const data::TrainingBatch& batch);
  models::UNetConditioning conditioningOf(const data::TrainingBatch& batch);
  std::optional<double> gradientStep(double lr);
  double validationLoss();
  void sample();
  void sampleReconstructions();
  std::string saveCheckpoint();
  std::map<std::string, at::Tensor> stateTensors();
  std::vector<at::Tensor> trainedWeights();
  void setTrainedWeights(const std::vector<at::Tensor>& values);
  // The optimizers' floating-point moments, live, in a fixed order (none for 8-bit AdamW).
  std::vector<at::Tensor> optimizerMoments();
  std::vector<at::Tensor> trainedState();
  void setTrainedState(const std::vector<at::Tensor>& values);
  void recordProgress();  // the data position and loss scale into progress_
  void writeStateFile(const std::string& path);
  void adoptSwarmState(const std::string& path);
  // Peers on other machines name the base model by its weights, not its path.
  const std::string& portableIdentity() {
    if (portableIdentity_.empty()) portableIdentity_ = portableRunIdentity(s_, model_);
    return portableIdentity_;
  }
  void finish();
  void outOfMemory();  // turns result_ into the out-of-memory report

  const TrainSettings& s_;
  TrainerControl& control_;
  const TrainerCallbacks& callbacks_;
  CheckpointStore store_;
  TrainResult result_;
  std::string phase_;  // the last state reported: what an out-of-memory error interrupted

  Placement placement_;
  models::StableDiffusionModel model_;
  std::unique_ptr<diffusion::NoiseSchedule> schedule_;
  ObjectiveOptions objective_;
  std::vector<TrainableGroup> groups_;
  std::vector<std::unique_ptr<AdamW>> optimizers_;
  std::vector<std::vector<int>> owners_;  // [group][parameter]: the rank whose optimizer updates it
  std::unique_ptr<LrSchedule> lr_;
  std::unique_ptr<Ema> ema_;
  std::unique_ptr<LossScaler> scaler_;
  GradientSync& sync_;

  TrainingData data_;
  data::ImageReader reader_;
  std::unique_ptr<data::LatentCache> latentCache_;
  std::unique_ptr<data::TextEmbeddingCache> textCache_;
  std::unique_ptr<BatchStream> stream_;
  std::unique_ptr<TfEventsWriter> board_;

  TrainingProgress progress_;
  std::deque<double> stepSeconds_, stepImages_;  // of the last steps, for the pace
  std::string portableIdentity_;  // computed when a swarm peer first needs it
};

std::optional<Checkpoint> Run::findCheckpoint() {
  std::optional<std::string> path;
  if (s_.resumeFrom == "latest") {
    path = store_.latest();
    if (!path) log::info("no checkpoint in " + store_.folder() + " yet: starting a new run");
  } else if (!s_.resumeFrom.empty()) {
    path = s_.resumeFrom;
  } else if (std::optional<std::string> existing = store_.latest()) {
    throw TrainingFailure(s_.outputDirectory + " already holds checkpoints of a run (newest: " + *existing + ")",
                          "continue it with checkpointing.resume_from = \"latest\" (sdtrain train --resume latest), "
                          "or choose another output.directory");
  }
  if (!path) return std::nullopt;
  Checkpoint c = CheckpointStore::load(*path);
  if (c.runIdentity != runIdentity(s_))
    throw TrainingFailure(*path + " belongs to a run with other settings (" + c.runIdentity + "; this project: " +
                              runIdentity(s_) + ")",
                          "resume with the settings of that run, or start a new run in another output.directory");
  return c;
}

void Run::prepare(const std::optional<Checkpoint>& checkpoint) {
  placement_ = choosePlacement(s_);
  state("loading", s_.fromScratch ? "creating a " + s_.architecture + " model" : "loading " + s_.modelPath);
  model_ = loadBaseModel(s_);

  state("scanning", s_.data.dataset.path);
  // Generated images (the demo's shapes) are made once, by rank 0, before the other ranks read them.
  const bool generateFirst = s_.generatedShapes && sync_.worldSize() > 1;
  if (generateFirst && !isMain()) sync_.waitForAll();
  if (data::isServedDatasetUrl(s_.data.dataset.path) && sync_.worldSize() > 1)
    throw std::runtime_error("a served dataset trains in one process per peer: every rank would lease chunks of its "
                             "own; train this peer on one GPU (no --gpus N)");
  data_ = loadTrainingData(
      s_, model_,
      [this](std::size_t done, std::size_t total) {
        emit(protocol::ProgressEvent{"scanning", static_cast<std::int64_t>(done), static_cast<std::int64_t>(total)});
      },
      callbacks_.openServedDataset);
  if (generateFirst && isMain()) sync_.waitForAll();

  model_.to(placement_.device, placement_.dtype);
  if (placement_.channelsLast) models::toChannelsLast(*model_.unet);
  runtime::applyGpuTrainingSettings(placement_.device);
  groups_ = prepareTraining(model_, s_);
  shareStartingWeights();
  schedule_ = std::make_unique<diffusion::NoiseSchedule>(model_.scheduler);
  objective_ = s_.objective;
  objective_.predictionType = model_.scheduler.predictionType;
  objective_.timestepMax = std::min(objective_.timestepMax, schedule_->numTrainTimesteps() - 1);

  std::int64_t trainable = 0;
  assignOwners();
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    NamedParameters owned;  // with a sharded optimizer, this rank's share; otherwise all
    for (std::size_t j = 0; j < groups_[i].parameters.size(); ++j)
      if (!sharded() || owners_[i][j] == sync_.rank()) owned.push_back(groups_[i].parameters[j]);
    optimizers_.push_back(std::make_unique<AdamW>(owned, s_.adamw));
    for (const auto& p : groups_[i].parameters) trainable += p.second.numel();
  }
  if (sync_.isGroup()) {
    std::vector<at::Tensor> trained;
    for (const TrainableGroup& g : groups_)
      for (const auto& [name, p] : g.parameters) trained.push_back(p);
    sync_.watch(trained);
  }
  std::size_t stateBytes = 0;
  for (const auto& o : optimizers_) stateBytes += o->stateBytes();
  log::info(c10::str("training ", trainable, " parameters (", s_.method, ") on ", placement_.device, " in ",
                     placement_.dtype, placement_.channelsLast ? ", channels-last" : "", "; optimizer state ",
                     stateBytes / 1048576.0, " MiB (", s_.adamw.eightBit ? "adamw8bit" : "adamw", ")"));

  lr_ = std::make_unique<LrSchedule>(s_.lrSchedule);
  if (s_.ema.enabled) {
    NamedParameters all;
    for (const TrainableGroup& g : groups_) all.insert(all.end(), g.parameters.begin(), g.parameters.end());
    ema_ = std::make_unique<Ema>(all, s_.ema);
  }
  scaler_ = std::make_unique<LossScaler>(placement_.lossScaling);
  if (checkpoint) restore(*checkpoint);
  if (sync_.sharesState()) {
    sync_.setStateWriter([this](const std::string& path) { writeStateFile(path); });
    sync_.setRunIdentity(portableIdentity());
    sync_.setTrainedWeights({[this] { return trainedWeights(); },
                             [this](const std::vector<at::Tensor>& values) { setTrainedWeights(values); },
                             [this] { return trainedState(); },
                             [this](const std::vector<at::Tensor>& values) { setTrainedState(values); }});
  }

  const bool vae = s_.method == "vae";
  if (s_.cacheLatents && !vae) {
    model_.vae->eval();
    latentCache_ = std::make_unique<data::LatentCache>(s_.cacheFolder() + "/latents", *model_.vae);
  }
  // Dropped captions are the empty caption, one more fixed text; shuffled tags make new texts each epoch.
  if (s_.cacheTextEmbeddings && !s_.trainTextEncoder && !s_.plan.shuffleTags && !vae)
    textCache_ = std::make_unique<data::TextEmbeddingCache>(s_.cacheFolder() + "/text", model_);

  data::LoaderOptions loader;
  loader.workers = data_.workers;
  loader.pinMemory = placement_.device.is_cuda();
  BatchStreamHooks hooks;
  hooks.caching = [this](const std::string& what, std::size_t done, std::size_t total) {
    if (done == 0) state("caching", what);
    emit(protocol::ProgressEvent{"caching " + what, static_cast<std::int64_t>(done), static_cast<std::int64_t>(total)});
  };
  hooks.cached = [this] { state("training"); };
  // Every rank plans the global batches (batch size × ranks) and trains its rows of each.
  data::PlanOptions plan = data_.plan;
  plan.seed ^= sync_.seedSalt();  // swarm peers each draw their own order, crops and dropout
  plan.batchSize = static_cast<std::size_t>(globalBatchSize());
  stream_ = std::make_unique<BatchStream>(data_.train, plan, loader, reader_, latentCache_.get(), textCache_.get(),
                                          hooks);
  stream_->shard(sync_.rank(), sync_.worldSize());
  if (data_.feed) stream_->feedFrom(data_.feed.get());
  stream_->seek(progress_.epoch, progress_.batchInEpoch);
  if (s_.tensorboard && isMain()) board_ = std::make_unique<TfEventsWriter>(s_.logsFolder());
}

// A checkpoint of a run with another global batch (another number of ranks) continues at the same
// step and images seen; its position in the epoch is converted to this run's batches, whose order
// differs: the rest of that epoch is re-sharded.
void Run::resumeOnThisGroup(const Checkpoint& c) {
  progress_.worldSize = sync_.worldSize();
  progress_.globalBatchSize = globalBatchSize();
  if (c.progress.globalBatchSize == 0 || c.progress.globalBatchSize == progress_.globalBatchSize) return;
  const std::int64_t imagesIntoEpoch = c.progress.batchInEpoch * c.progress.globalBatchSize;
  progress_.batchInEpoch = imagesIntoEpoch / progress_.globalBatchSize;
  log::warn(c10::str(c.path, " was written by ", c.progress.worldSize, " rank(s) with ", c.progress.globalBatchSize,
                     " images per batch; this run has ", sync_.worldSize(), " with ", progress_.globalBatchSize,
                     ": it continues at step ", progress_.step, " (", progress_.imagesSeen,
                     " images seen), and the data order of epoch ", progress_.epoch + 1, " is re-sharded from image ",
                     imagesIntoEpoch, " on"));
}

void Run::restore(const Checkpoint& c) {
  torch::NoGradGuard noGrad;
  std::map<std::string, at::Tensor> modelState, emaState;
  std::map<std::string, std::map<std::string, at::Tensor>> optimizerState;
  std::map<std::string, at::Tensor> exchangeState;
  for (const auto& [name, tensor] : c.tensors) {
    if (name.rfind("exchange/", 0) == 0) exchangeState[name.substr(9)] = tensor;
    if (name.rfind("model/", 0) == 0) modelState[name.substr(6)] = tensor;
    if (name.rfind("ema/", 0) == 0) emaState[name.substr(4)] = tensor;
    if (name.rfind("optimizer/", 0) == 0) {
      const std::size_t slash = name.find('/', 10);
      optimizerState[name.substr(10, slash - 10)][name.substr(slash + 1)] = tensor;
    }
  }
  const NamedParameters saved = s_.fromScratch ? allParameters(model_) : NamedParameters{};
  auto load = [&](const std::string& name, at::Tensor& target) {
    const auto it = modelState.find(name);
    if (it == modelState.end())
      throw std::runtime_error(c.path + ": the checkpoint has no weights for " + name);
    if (it->second.sizes() != target.sizes())
      throw std::runtime_error(c.path + ": " + name + " has another shape in the checkpoint");
    target.copy_(it->second);
  };
  for (auto [name, p] : saved) load(name, p);
  for (TrainableGroup& g : groups_)
    for (auto& [name, p] : g.parameters) load(name, p);
  for (std::size_t i = 0; i < groups_.size(); ++i) optimizers_[i]->loadState(optimizerState[groups_[i].name]);
  if (ema_) ema_->loadState(emaState);
  if (!exchangeState.empty()) sync_.loadExchangeState(exchangeState);
  progress_ = c.progress;
  resumeOnThisGroup(c);
  scaler_->restore(c.progress.lossScale, c.progress.lossScaleCleanSteps);
  result_.lastCheckpoint = c.path;
  log::info(c10::str("resumed from ", c.path, " at step ", progress_.step, " (epoch ", progress_.epoch, ")"));
}

// The state a checkpoint holds: trained (or, from scratch, all) weights, optimizer state and EMA.
std::map<std::string, at::Tensor> Run::stateTensors() {
  std::map<std::string, at::Tensor> tensors;
  if (s_.fromScratch)
    for (const auto& [name, p] : allParameters(model_)) tensors["model/" + name] = p;
  for (const TrainableGroup& g : groups_)
    for (const auto& [name, p] : g.parameters) tensors["model/" + name] = p;
  for (std::size_t i = 0; i < groups_.size(); ++i)
    for (const auto& [name, t] : optimizers_[i]->state()) tensors["optimizer/" + groups_[i].name + "/" + name] = t;
  if (ema_)
    for (const auto& [name, t] : ema_->state()) tensors["ema/" + name] = t;
  for (const auto& [name, t] : sync_.exchangeState()) tensors["exchange/" + name] = t;
  return tensors;
}

// Float32 CPU copies of the trained weights, in group order (the optimizer's master copies where the
// parameters are of lower precision).
std::vector<at::Tensor> Run::trainedWeights() {
  torch::NoGradGuard noGrad;
  std::vector<at::Tensor> out;
  for (std::size_t i = 0; i < groups_.size(); ++i)
    for (const auto& [name, p] : groups_[i].parameters) {
      at::Tensor w = optimizers_[i]->weights(name);
      // One copy (to() alone would share a CPU float32 tensor's storage).
      out.push_back((w.defined() ? w : p).detach().to(torch::kCPU, torch::kFloat32, false, /*copy=*/true));
    }
  return out;
}

void Run::setTrainedWeights(const std::vector<at::Tensor>& values) {
  torch::NoGradGuard noGrad;
  std::size_t k = 0;
  for (std::size_t i = 0; i < groups_.size(); ++i)
    for (auto& [name, p] : groups_[i].parameters) {
      const at::Tensor value = values.at(k++).to(p.device(), torch::kFloat32);
      if (!optimizers_[i]->assignWeights(name, value)) p.copy_(value);
    }
}

std::vector<at::Tensor> Run::optimizerMoments() {
  std::vector<at::Tensor> out;
  for (const auto& optimizer : optimizers_)
    for (const auto& [name, t] : optimizer->state()) {
      const bool moment = name.size() > 2 && (name.compare(name.size() - 2, 2, ".m") == 0 ||
                                              name.compare(name.size() - 2, 2, ".v") == 0);
      if (moment && t.defined() && t.is_floating_point()) out.push_back(t);
    }
  return out;
}

std::vector<at::Tensor> Run::trainedState() {
  std::vector<at::Tensor> out = trainedWeights();
  for (const at::Tensor& m : optimizerMoments()) out.push_back(m.detach().to(torch::kCPU, torch::kFloat32).clone());
  return out;
}

void Run::setTrainedState(const std::vector<at::Tensor>& values) {
  torch::NoGradGuard noGrad;
  const std::vector<at::Tensor> moments = optimizerMoments();
  if (values.size() < moments.size()) throw std::logic_error("setTrainedState: fewer values than moments");
  const std::size_t weights = values.size() - moments.size();
  setTrainedWeights(std::vector<at::Tensor>(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(weights)));
  for (std::size_t i = 0; i < moments.size(); ++i) {
    at::Tensor m = moments[i];
    m.copy_(values[weights + i]);
  }
}

void Run::recordProgress() {
  progress_.epoch = stream_->epoch();
  progress_.batchInEpoch = stream_->batchInEpoch();
  progress_.lossScale = scaler_->scale();
  progress_.lossScaleCleanSteps = scaler_->cleanSteps();
  progress_.globalBatchSize = globalBatchSize();
  progress_.worldSize = sync_.worldSize();
}

void Run::writeStateFile(const std::string& path) {
  recordProgress();
  CheckpointStore::saveStateFile(path, progress_, stateTensors(), portableIdentity());
}

// Takes over a swarm's state (a newcomer, or a peer that fell behind): its weights, optimizer state
// and step; this peer keeps its own place in its data.
void Run::adoptSwarmState(const std::string& path) {
  const Checkpoint c = CheckpointStore::loadStateFile(path);
  if (c.runIdentity != portableIdentity())
    throw TrainingFailure("the swarm trains another run than this project: " + identityDifference(c.runIdentity, portableIdentity()),
                          "join with the run's base model and settings, or use another run key");
  const TrainingProgress mine = progress_;
  const std::string lastCheckpoint = result_.lastCheckpoint;
  restore(c);
  result_.lastCheckpoint = lastCheckpoint;
  progress_.epoch = mine.epoch;
  progress_.batchInEpoch = mine.batchInEpoch;
  progress_.imagesSeen = mine.imagesSeen;
  progress_.globalBatchSize = mine.globalBatchSize;
  progress_.worldSize = mine.worldSize;
  log::info(c10::str("took over the swarm's state at step ", progress_.step));
}

std::string Run::saveCheckpoint() {
  state("saving", "checkpoint at step " + std::to_string(progress_.step));
  const std::map<std::string, at::Tensor> tensors = stateTensors();
  recordProgress();
  std::string path;
  try {
    path = sharded() ? store_.finishSave(progress_, tensors, runIdentity(s_)) : store_.save(progress_, tensors, runIdentity(s_));
  } catch (const std::exception& e) {
    throw TrainingFailure(c10::str("cannot write the checkpoint of step ", progress_.step, " into ", store_.folder(),
                                   ": ", e.what()),
                          "make room on the disk that holds " + store_.folder() +
                              " (checkpointing.keep_last keeps fewer checkpoints) or make it writable; the earlier "
                              "checkpoints are intact");
  }
  result_.lastCheckpoint = path;
  if (board_) board_->flush();
  emit(protocol::CheckpointEvent{progress_.step, path});
  log::info("checkpoint saved: " + path);
  return path;
}

at::Tensor Run::latentsOf(const data::TrainingBatch& batch) {
  models::AutoencoderKl& vae = model_.vae;
  at::Tensor z;
  if (batch.latentMean.defined()) {
    const models::LatentDistribution d{batch.latentMean.to(placement_.device), batch.latentLogvar.to(placement_.device)};
    z = d.mean + torch::exp(0.5 * d.logvar) * randnRows(d.mean.sizes(), batch.share).to(placement_.device);
  } else {
    torch::NoGradGuard noGrad;
    const at::Tensor pixels = batch.pixels.to(placement_.device, vae->encoder->conv_in->weight.scalar_type());
    const models::LatentDistribution d = vae->encode(pixels);
    z = d.mean + torch::exp(0.5 * d.logvar.to(torch::kFloat32)).to(d.mean.scalar_type()) *
                     randnRows(d.mean.sizes(), batch.share).to(placement_.device, d.mean.scalar_type());
  }
  return (z.to(torch::kFloat32) * vae->config.scalingFactor).to(placement_.dtype);
}

models::UNetConditioning Run::conditioningOf(const data::TrainingBatch& batch) {
  models::UNetConditioning c;
  models::PromptEmbeddings e;
  if (textCache_) {
    std::vector<at::Tensor> hidden, pooled;
    for (const std::string& caption : batch.captions) {
      models::PromptEmbeddings one = textCache_->load(caption);
      hidden.push_back(one.hidden);
      if (one.pooled.defined()) pooled.push_back(one.pooled);
    }
    e.hidden = torch::stack(hidden);
    if (!pooled.empty()) e.pooled = torch::stack(pooled);
  } else if (s_.trainTextEncoder) {
    e = models::encodePrompts(model_, batch.captions);
  } else {
    torch::NoGradGuard noGrad;
    e = models::encodePrompts(model_, batch.captions);
  }
  c.encoderHiddenStates = e.hidden.to(placement_.device, placement_.dtype);
  if (e.pooled.defined()) c.textEmbeds = e.pooled.to(placement_.device, placement_.dtype);
  if (model_.family == models::ModelFamily::SDXL) c.timeIds = batch.timeIds.to(placement_.device, placement_.dtype);
  return c;
}

double Run::microStep(const data::TrainingBatch& batch, int micro) {
  torch::manual_seed(stepSeed(s_.seed ^ sync_.seedSalt(), progress_.step, micro));
  at::Tensor loss;
  if (s_.method == "vae") {
    const at::Tensor pixels = batch.pixels.to(placement_.device, placement_.dtype);
    const models::LatentDistribution d = model_.vae->encode(pixels);
    const at::Tensor z =
        d.mean + torch::exp(0.5 * d.logvar) * randnRows(d.mean.sizes(), batch.share).to(d.mean.device(), d.mean.scalar_type());
    const at::Tensor reconstruction = model_.vae->decode(z);
    const at::Tensor kl = 0.5 * (d.mean.pow(2) + d.logvar.exp() - 1 - d.logvar);
    loss = torch::mse_loss(reconstruction.to(torch::kFloat32), pixels.to(torch::kFloat32)) +
           s_.vaeKlWeight * kl.to(torch::kFloat32).mean();
  } else {
    const at::Tensor latents = latentsOf(batch);
    const models::UNetConditioning conditioning = conditioningOf(batch);
    const NoisedBatch noised = noiseBatch(*schedule_, latents, objective_, batch.share);
    const at::Tensor input =
        placement_.channelsLast ? noised.noisy.contiguous(at::MemoryFormat::ChannelsLast) : noised.noisy;
    const at::Tensor prediction = model_.unet->forward(input, noised.timesteps, conditioning);
    loss = weightedMse(prediction, noised);
  }
  const double value = loss.item<double>();
  if (!std::isfinite(value) && !scaler_->enabled())
    throw TrainingFailure(c10::str("the loss became ", value, " at step ", progress_.step + 1,
                                   ": training diverged"),
                          "resume from the last checkpoint with a lower optimizer.learning_rate, a longer "
                          "warmup or gradient clipping (training.max_grad_norm)");
  // A rank's mean loss counts for its share of the global batch, so that the mean over ranks of the
  // gradients is the global batch's gradient (batch.share.weight is 1 for a single process).
  const double weight = batch.share.weight / s_.gradientAccumulation;
  scaler_->scaled(loss * weight).backward();
  return value * weight;
}

// Synchronises, unscales, clips and applies the accumulated gradients at learning rate `lr`. Returns
// the gradient norm, or nothing when the exchange said not to step (a swarm peer that missed a round).
std::optional<double> Run::gradientStep(double lr) {
  std::vector<at::Tensor> gradients;
  const bool distributed = sync_.isGroup();
  for (const TrainableGroup& g : groups_)
    for (const auto& item : g.parameters) {
      // Every rank must pass the same list: a parameter this rank's batch left without a gradient
      // takes part with zeros.
      if (distributed && !item.second.grad().defined())
        item.second.mutable_grad() = torch::zeros_like(item.second);
      if (item.second.grad().defined()) gradients.push_back(item.second.grad());
    }
  if (distributed && !sync_.average(gradients)) return std::nullopt;
  const bool finite = scaler_->unscale(gradients);
  const double norm = clipGradientNorm(gradients, s_.maxGradNorm, finite);
  if (finite) {
    for (std::size_t i = 0; i < groups_.size(); ++i) {
      const bool text = groups_[i].textEncoder && s_.textEncoderLearningRate > 0;
      optimizers_[i]->step(text ? lr * s_.textEncoderLearningRate / s_.lrSchedule.learningRate : lr);
    }
    if (sharded()) shareUpdatedWeights();
    if (ema_ && (progress_.step + 1) % s_.ema.updateEvery == 0) ema_->update();
  } else {
    log::warn(c10::str("step ", progress_.step + 1, ": gradients overflowed at loss scale ", scaler_->scale(),
                       "; step skipped and the scale halved"));
  }
  scaler_->update(finite);
  return norm;
}

// Ranks of one swarm peer accumulate together: every rank ends the accumulation if one was asked to stop.
bool Run::stopRequestedByAnyRank() {
  std::vector<double> stop{control_.stopRequested() ? 1.0 : 0.0};
  if (sync_.worldSize() > 1) sync_.averageValues(stop);
  return stop[0] > 0;
}

Requests Run::agreeOnRequests() {
  Requests r;
  r.stop = control_.stopRequested();
  if (isMain()) {
    r.save = control_.takeSave();
    r.sample = control_.takeSample();
    r.pause = control_.pauseRequested();
    r.stopWithoutSaving = r.stop && !control_.stopSaves();
  }
  if (sync_.worldSize() == 1) return r;
  std::vector<double> flags{double(r.stop), double(r.save), double(r.sample), double(r.pause),
                            double(r.stopWithoutSaving)};
  sync_.averageValues(flags);
  return {flags[0] > 0, flags[1] > 0, flags[2] > 0, flags[3] > 0, flags[4] > 0};
}

void Run::shareStartingWeights() {
  // Scratch initialisation and new adapters are random, and ranks that loaded different files would
  // silently train different models: every rank starts from rank 0's weights.
  if (sync_.worldSize() == 1) return;
  torch::NoGradGuard noGrad;
  std::vector<at::Tensor> tensors;
  if (s_.fromScratch) {
    for (const auto& [name, p] : allParameters(model_)) tensors.push_back(p);
  } else {
    for (const TrainableGroup& g : groups_)
      for (const auto& [name, p] : g.parameters) tensors.push_back(p);
  }
  sync_.broadcastFromMain(tensors);
}

void Run::checkpointTogether() {
  if (!sharded()) {
    if (isMain()) saveCheckpoint();
    sync_.waitForAll();
    return;
  }
  // Rank 0 opens the checkpoint, every other rank adds its share of the optimizer state, rank 0
  // completes it: the folder holds the whole state, which any number of ranks can resume from.
  if (isMain()) store_.beginSave(progress_.step);
  sync_.waitForAll();
  if (!isMain()) {
    std::map<std::string, at::Tensor> shard;
    for (std::size_t i = 0; i < groups_.size(); ++i)
      for (const auto& [name, t] : optimizers_[i]->state()) shard["optimizer/" + groups_[i].name + "/" + name] = t;
    store_.writeShard(progress_.step, sync_.rank(), shard);
  }
  sync_.waitForAll();
  if (isMain()) saveCheckpoint();
  sync_.waitForAll();
}

// Parameters go to the rank with the fewest elements so far, in order: every rank computes the same
// split, each holding about 1/ranks of the optimizer state.
void Run::assignOwners() {
  owners_.assign(groups_.size(), {});
  std::vector<std::int64_t> load(static_cast<std::size_t>(sync_.worldSize()), 0);
  for (std::size_t i = 0; i < groups_.size(); ++i)
    for (const auto& item : groups_[i].parameters) {
      const auto least = std::min_element(load.begin(), load.end()) - load.begin();
      load[static_cast<std::size_t>(least)] += item.second.numel();
      owners_[i].push_back(static_cast<int>(least));
    }
}

// After a sharded step each rank has updated its own parameters; the others take them from it.
void Run::shareUpdatedWeights() {
  torch::NoGradGuard noGrad;
  for (int owner = 0; owner < sync_.worldSize(); ++owner) {
    std::vector<at::Tensor> tensors;
    for (std::size_t i = 0; i < groups_.size(); ++i)
      for (std::size_t j = 0; j < groups_[i].parameters.size(); ++j)
        if (owners_[i][j] == owner) tensors.push_back(groups_[i].parameters[j].second);
    sync_.broadcastFrom(tensors, owner);
  }
}

void Run::sampleTogether() {
  if (isMain()) sample();
  sync_.waitForAll();
}

bool Run::handleRequests() {
  bool paused = false;
  for (;;) {
    const Requests requests = agreeOnRequests();
    if (requests.stop) {
      // A stop another rank received holds here too, and every rank saves (its share) or none does.
      control_.requestStop(!requests.stopWithoutSaving);
      return false;
    }
    if (requests.save) {
      checkpointTogether();
      state(paused ? "paused" : "training");
    }
    if (requests.sample) sampleTogether();
    if (!requests.pause) break;
    if (!paused) {
      state("paused", "at step " + std::to_string(progress_.step));
      paused = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (paused) state("training");
  return true;
}

void Run::sample() {
  if (s_.method == "vae") {
    sampleReconstructions();
    return;
  }
  if (s_.samples.prompts.empty()) return;
  state("sampling", "step " + std::to_string(progress_.step));
  for (const WrittenSample& w : writeSamples(model_, s_, progress_.step, [this](const WrittenSample& w) {
         emit(protocol::SampleEvent{progress_.step, w.path, w.prompt, static_cast<std::int64_t>(w.seed)});
       })) {
    result_.samples.push_back(w.path);
    if (board_) {
      const std::string png = readFile(w.path);
      const int side = s_.samples.width > 0 ? s_.samples.width : s_.plan.buckets.resolution;
      const int height = s_.samples.height > 0 ? s_.samples.height : s_.plan.buckets.resolution;
      board_->image("samples/" + w.prompt, std::vector<std::uint8_t>(png.begin(), png.end()), side, height,
                    progress_.step);
    }
  }
  state(control_.pauseRequested() ? "paused" : "training");
}

// A VAE run's samples: a few fixed images (the validation set's, else the first training images) above
// their reconstructions, so that colours and edges the decoder cannot reproduce show at a glance.
void Run::sampleReconstructions() {
  state("sampling", "reconstructions at step " + std::to_string(progress_.step));
  const data::Dataset& source = !data_.validation.samples.empty() ? data_.validation
                                : data_.feed                      ? stream_->currentDataset()
                                                                  : data_.train;
  data::Dataset shown;  // the first few samples only, not a copy of the whole set every round
  shown.root = source.root;
  shown.concepts = source.concepts;
  shown.samples.assign(source.samples.begin(),
                       source.samples.begin() + std::min(source.samples.size(), kReconstructionImages));
  data::PlanOptions plan = data_.validationPlan;
  plan.batchSize = shown.samples.size();
  data::LoaderOptions loader;
  loader.workers = data_.workers;
  BatchStream stream(shown, plan, loader, reader_, nullptr, nullptr, {});
  const at::Tensor pixels = stream.next().pixels.to(placement_.device, placement_.dtype);
  const Reconstruction r = writeReconstructions(model_, s_, progress_.step, pixels);
  result_.samples.push_back(r.path);
  log::info(c10::str("reconstructions at step ", progress_.step, ": mean squared error ", r.meanSquaredError,
                     " (pixels in [-1, 1])"));
  emit(protocol::SampleEvent{progress_.step, r.path, c10::str("reconstructions (top: input, bottom: decoded), MSE ",
                                                              r.meanSquaredError), 0});
  if (board_) board_->scalar("reconstruction_mse", r.meanSquaredError, progress_.step);
  state(control_.pauseRequested() ? "paused" : "training");
}

double Run::validationLoss() {
  torch::NoGradGuard noGrad;
  const bool unetTraining = model_.unet && model_.unet->is_training();
  if (model_.unet) model_.unet->eval();
  double sum = 0;
  std::size_t count = 0, index = 0;
  data::LoaderOptions loader;
  loader.workers = data_.workers;
  BatchStream stream(data_.validation, data_.validationPlan, loader, reader_, latentCache_.get(), textCache_.get(), {});
  const std::size_t batches = data::planEpoch(data_.validation, data_.validationPlan, 0).size();
  for (std::size_t b = 0; b < batches; ++b) {
    const data::TrainingBatch batch = stream.next();
    // Fixed draws per validation batch: the loss changes only because the model does.
    torch::manual_seed(stepSeed(s_.seed ^ 0x5EED5EEDull, -1, static_cast<int>(index++)));
    double loss = 0;
    if (s_.method == "vae") {
      const at::Tensor pixels = batch.pixels.to(placement_.device, placement_.dtype);
      loss = torch::mse_loss(model_.vae->decode(model_.vae->encode(pixels).mean), pixels).item<double>();
    } else {
      const NoisedBatch noised = noiseBatch(*schedule_, latentsOf(batch), objective_);
      loss = weightedMse(model_.unet->forward(noised.noisy, noised.timesteps, conditioningOf(batch)), noised)
                 .item<double>();
    }
    sum += loss * batch.captions.size();
    count += batch.captions.size();
  }
  if (model_.unet) model_.unet->train(unetTraining);
  return count ? sum / count : 0.0;
}

void Run::trainLoop() {
  state("training", c10::str("step ", progress_.step, " of ", s_.maxSteps));
  const std::int64_t imagesPerStep = static_cast<std::int64_t>(s_.batchSize) * s_.gradientAccumulation * sync_.worldSize();
  while (progress_.step < s_.maxSteps) {
    if (!handleRequests()) {
      result_.outcome = TrainOutcome::Stopped;
      return;
    }
    const Clock::time_point start = Clock::now();
    // Every trained parameter's, not only those this rank's (sharded) optimizers update.
    for (TrainableGroup& g : groups_)
      for (auto& [name, p] : g.parameters)
        if (p.grad().defined()) p.mutable_grad() = at::Tensor();
    double loss = 0;
    int localSteps = 0;
    LocalStepVerdict verdict;
    // A swarm peer accumulates local steps until the swarm is ready; everyone else steps after one.
    do {
      const Clock::time_point localStart = Clock::now();
      for (int micro = 0; micro < s_.gradientAccumulation; ++micro) {
        // The last backward pass completes the gradients: their averaging may start while it runs.
        if (micro == s_.gradientAccumulation - 1) sync_.beforeLastBackward();
        // Local steps a swarm peer accumulates into one step draw their own noise.
        loss += microStep(stream_->next(), localSteps * s_.gradientAccumulation + micro);
      }
      ++localSteps;
      verdict = sync_.afterLocalStep(progress_.step, imagesPerStep,
                                     std::chrono::duration<double>(Clock::now() - localStart).count());
    } while (verdict.kind == LocalStepVerdict::Kind::Accumulate && !stopRequestedByAnyRank());
    if (verdict.kind == LocalStepVerdict::Kind::LoadState) {
      adoptSwarmState(verdict.statePath);
      state("training", c10::str("step ", progress_.step, " of ", s_.maxSteps, " (the swarm's)"));
      continue;
    }
    if (verdict.kind == LocalStepVerdict::Kind::Accumulate) continue;  // stopping: the requests end the run
    if (localSteps > 1) {
      // The mean over the local steps, as for one larger batch.
      loss /= localSteps;
      torch::NoGradGuard noGrad;
      for (TrainableGroup& g : groups_)
        for (auto& [name, p] : g.parameters)
          if (p.grad().defined()) p.mutable_grad().div_(localSteps);
    }
    const double lr = lr_->at(progress_.step);
    const std::optional<double> stepped = gradientStep(lr);
    if (!stepped) continue;
    const double gradNorm = *stepped;
    const std::int64_t imagesThisStep = imagesPerStep * localSteps;
    stepSeconds_.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    stepImages_.push_back(static_cast<double>(imagesThisStep));
    if (stepSeconds_.size() > 20) {
      stepSeconds_.pop_front();
      stepImages_.pop_front();
    }
    double mean = 0, images = 0;
    for (double t : stepSeconds_) mean += t;
    for (double n : stepImages_) images += n;
    const double imagesPerSecond = mean > 0 ? images / mean : 0;
    mean /= static_cast<double>(stepSeconds_.size());
    // The most the step's tensors held on the GPU (the peak since the previous step).
    std::optional<double> memoryGiB;
    if (placement_.device.is_cuda()) {
      if (const auto memory = runtime::gpuMemory(placement_.device.index())) memoryGiB = memory->peakAllocatedGiB;
      runtime::resetGpuMemoryPeak(placement_.device.index());
    }
    const int ranks = sync_.worldSize();
    std::vector<double> rankRates, rankMemory;
    if (ranks > 1) {
      // One exchange: the global batch's loss (each rank's counts for its share) and every rank's
      // throughput and memory, each rank filling its own slot of a mean.
      std::vector<double> values(1 + 2 * static_cast<std::size_t>(ranks), 0.0);
      values[0] = loss;
      const std::size_t rank = static_cast<std::size_t>(sync_.rank());
      values[1 + rank] = imagesPerSecond;  // ranks × its own rate
      values[1 + ranks + rank] = ranks * memoryGiB.value_or(0);
      sync_.averageValues(values);
      loss = values[0];
      rankRates.assign(values.begin() + 1, values.begin() + 1 + ranks);
      if (memoryGiB) rankMemory.assign(values.begin() + 1 + ranks, values.end());
    }
    ++progress_.step;
    sync_.afterOptimizerStep(progress_.step);
    progress_.imagesSeen += imagesThisStep;
    progress_.lossSmoothed = progress_.step == 1 ? loss : 0.95 * progress_.lossSmoothed + 0.05 * loss;
    progress_.epoch = stream_->epoch();
    progress_.batchInEpoch = stream_->batchInEpoch();

    protocol::StepEvent e;
    e.step = progress_.step;
    e.total_steps = s_.maxSteps;
    e.epoch = progress_.epoch;
    e.loss = loss;
    e.loss_smoothed = progress_.lossSmoothed;
    e.lr = lr;
    e.grad_norm = gradNorm;
    e.images_seen = progress_.imagesSeen;
    // The run's pace is the slowest rank's, which every rank waits for at the exchange.
    e.images_per_s = imagesPerSecond;
    e.eta_s = mean * static_cast<double>(s_.maxSteps - progress_.step);
    e.memory_gib = memoryGiB;
    e.rank_images_per_s = rankRates;
    e.rank_memory_gib = rankMemory;
    emit(e);
    if (board_) {
      board_->scalar("loss", loss, progress_.step);
      board_->scalar("loss_smoothed", progress_.lossSmoothed, progress_.step);
      board_->scalar("learning_rate", lr, progress_.step);
      board_->scalar("grad_norm", gradNorm, progress_.step);
      board_->scalar("images_per_s", e.images_per_s, progress_.step);
    }

    const bool last = progress_.step == s_.maxSteps;
    if (!data_.validation.samples.empty() && (progress_.step % s_.validationEvery == 0 || last)) {
      if (isMain()) {
        const double v = validationLoss();
        emit(protocol::ValidationEvent{progress_.step, v});
        if (board_) board_->scalar("validation_loss", v, progress_.step);
      }
      sync_.waitForAll();
    }
    if (s_.samples.every > 0 && (progress_.step % s_.samples.every == 0 || last)) sampleTogether();
    if (s_.checkpointEvery > 0 && progress_.step % s_.checkpointEvery == 0 && !last) {
      checkpointTogether();
      state("training");
    }
  }
  result_.outcome = TrainOutcome::Finished;
}

void Run::finish() {
  if (sharded()) checkpointTogether();  // every rank adds its share of the optimizer state
  if (!isMain()) return;                // rank 0 writes the checkpoint and the model
  if (!sharded()) saveCheckpoint();
  state("saving", "the trained model");
  if (ema_) {  // the average is the model to keep, as the diffusers scripts save it
    NamedParameters all;
    for (TrainableGroup& g : groups_) all.insert(all.end(), g.parameters.begin(), g.parameters.end());
    torch::NoGradGuard noGrad;
    ema_->copyTo(all);
  }
  if (s_.method == "vae") calibrateVaeScaling(model_, *stream_, s_);
  try {
    result_.outputs = exportTrainedModel(model_, s_);
  } catch (const std::exception& e) {
    throw TrainingFailure("cannot write the trained model into " + s_.outputDirectory + ": " + e.what(),
                          "make room on that disk or make it writable; the checkpoint of step " +
                              std::to_string(progress_.step) + " is complete, so resuming writes only the model again");
  }
  for (const std::string& path : result_.outputs) log::info("saved " + path);
}

TrainResult Run::run() {
  try {
    fs::create_directories(s_.outputDirectory);
    std::optional<Checkpoint> checkpoint = findCheckpoint();
    prepare(checkpoint);
    checkpoint.reset();  // its tensors are in the model now
    trainLoop();
    sync_.finishRounds();  // the last checkpoint and the model hold a round still averaging
    if (result_.outcome == TrainOutcome::Stopped) {
      state("stopping", "at step " + std::to_string(progress_.step));
      if (control_.stopSaves() && s_.saveOnStop && progress_.step > 0) {
        if (sharded())
          checkpointTogether();
        else if (isMain())
          saveCheckpoint();
      }
    } else {
      finish();
    }
    result_.step = progress_.step;
    state(result_.outcome == TrainOutcome::Finished ? "finished" : "stopped", c10::str("step ", progress_.step));
    return result_;
  } catch (const TrainingFailure& e) {
    result_.message = e.what();
    result_.hint = e.hint;
  } catch (const runtime::ProcessGroupError& e) {
    result_.message = e.what();
    result_.hint = "another rank of the run has ended or stopped answering; its own error says why";
    result_.groupLost = true;
  } catch (const c10::Error& e) {
    result_.message = e.what_without_backtrace();
    if (isOutOfMemory(e)) outOfMemory();
  } catch (const std::exception& e) {
    result_.message = e.what();
    if (isOutOfMemory(e)) outOfMemory();
  }
  result_.outcome = TrainOutcome::Failed;
  result_.step = progress_.step;
  if (board_) board_->flush();
  protocol::ErrorEvent error;
  error.message = result_.message;
  error.resumable = !result_.lastCheckpoint.empty();
  error.checkpoint = result_.lastCheckpoint;
  error.hint = result_.hint;
  if (error.resumable)
    error.hint += std::string(error.hint.empty() ? "" : "; then ") + "resume from " + result_.lastCheckpoint +
                  " (sdtrain train --resume latest)";
  emit(error);
  state("failed", "at step " + std::to_string(progress_.step));
  return result_;
}

void Run::outOfMemory() {
  const OutOfMemoryReport report = describeOutOfMemory(phase_, progress_.step, s_.batchSize, s_.plan.buckets.resolution);
  result_.message = report.message;
  result_.hint = report.hint;
}

}  // namespace

TrainResult runTraining(const TrainSettings& settings, TrainerControl& control, const TrainerCallbacks& callbacks,
                        GradientSync* group) {
  LocalGradientSync alone;
  Run run(settings, control, callbacks, group ? *group : alone);
  return run.run();
}

}  // namespace sds::train
