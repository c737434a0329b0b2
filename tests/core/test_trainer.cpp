// The training run end to end on the tiny architecture and a generated dataset: exact resume, the
// commands (pause, resume, save, sample, stop), a vanished file, LoRA, full and VAE outputs loaded back,
// and the objective's arithmetic.

// torch before Qt: Qt's `slots` keyword macro would otherwise rewrite a torch member function.
#include <torch/torch.h>

#include <QtTest>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "config/project.h"
#include "diffusion/noise_schedule.h"
#include "image/decode.h"
#include "image/png_writer.h"
#include "models/io/torch_tensors.h"
#include "models/io/lora_files.h"
#include "models/io/model_loader.h"
#include "models/scratch_model.h"
#include "models/io/single_file_model.h"
#include "train/checkpoint_store.h"
#include "train/diffusion_objective.h"
#include "train/trainer.h"

using namespace sds;
namespace fs = std::filesystem;

namespace {

// Everything a run reported, safe to read from another thread.
struct Recorder {
  std::mutex mutex;
  std::vector<protocol::StepEvent> steps;
  std::vector<std::string> states;
  std::vector<protocol::CheckpointEvent> checkpoints;
  std::vector<protocol::SampleEvent> samples;
  std::vector<protocol::ValidationEvent> validations;
  std::vector<protocol::ErrorEvent> errors;
  std::function<void(std::int64_t step)> onStep;  // on the training thread, after the step's event
  std::atomic<bool> paused{false};
  std::atomic<std::int64_t> lastStep{0};

  train::TrainerCallbacks callbacks() {
    train::TrainerCallbacks c;
    c.event = [this](const protocol::Event& e) {
      std::int64_t step = -1;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (const auto* s = std::get_if<protocol::StepEvent>(&e)) {
          steps.push_back(*s);
          step = s->step;
          lastStep = s->step;
        } else if (const auto* s = std::get_if<protocol::StateEvent>(&e)) {
          states.push_back(s->state);
          paused = s->state == "paused";
        } else if (const auto* c = std::get_if<protocol::CheckpointEvent>(&e)) {
          checkpoints.push_back(*c);
        } else if (const auto* s = std::get_if<protocol::SampleEvent>(&e)) {
          samples.push_back(*s);
        } else if (const auto* v = std::get_if<protocol::ValidationEvent>(&e)) {
          validations.push_back(*v);
        } else if (const auto* x = std::get_if<protocol::ErrorEvent>(&e)) {
          errors.push_back(*x);
        }
      }
      if (step >= 0 && onStep) onStep(step);
    };
    return c;
  }
  std::vector<double> losses() {
    std::vector<double> out;
    for (const auto& s : steps) out.push_back(s.loss);
    return out;
  }
};

// A tiny model from scratch on 8 generated 64 px images, every setting that a resume must reproduce
// switched on: accumulation across epoch ends, caption dropout, flips, 8-bit AdamW, EMA, a trained text
// encoder and a validation split.
config::Project tinyProject() {
  config::Project p;
  p.set("project.name", std::string("tiny"));
  p.set("model.init", std::string("scratch"));
  p.set("model.architecture", std::string("tiny"));
  p.set("training.max_steps", std::int64_t{6});
  p.set("training.batch_size", std::int64_t{2});
  p.set("training.gradient_accumulation", std::int64_t{2});
  p.set("training.seed", std::int64_t{3});
  p.set("training.device", std::string("cpu"));
  p.set("training.precision", std::string("fp32"));
  p.set("training.train_text_encoder", true);
  p.set("training.noise_offset", 0.05);
  p.set("training.min_snr_gamma", 5.0);
  p.set("dataset.path", std::string("data"));
  p.set("dataset.kind", std::string("shapes"));
  p.set("dataset.shapes_count", std::int64_t{8});
  p.set("dataset.min_image_size", std::int64_t{32});
  p.set("dataset.caption_dropout", 0.2);
  p.set("dataset.workers", std::int64_t{1});
  p.set("resolution.size", std::int64_t{64});
  p.set("resolution.buckets", false);
  p.set("resolution.min_bucket_side", std::int64_t{64});
  p.set("resolution.max_bucket_side", std::int64_t{64});
  p.set("resolution.flip", true);
  p.set("optimizer.type", std::string("adamw8bit"));
  p.set("optimizer.learning_rate", 1e-3);
  p.set("ema.enabled", true);
  p.set("ema.decay", 0.9);
  p.set("checkpointing.every_n_steps", std::int64_t{0});
  p.set("checkpointing.keep_last", std::int64_t{0});
  p.set("sampling.every_n_steps", std::int64_t{0});
  p.set("sampling.prompts", config::StringList{"a red circle on a blue background"});
  p.set("sampling.steps", std::int64_t{2});
  p.set("sampling.sampler", std::string("ddim"));
  p.set("validation.split", 0.25);
  p.set("validation.every_n_steps", std::int64_t{3});
  p.set("output.directory", std::string("out"));
  p.set("output.model_format", std::string("both"));
  p.set("output.save_precision", std::string("fp32"));
  return p;
}

train::TrainSettings settingsIn(const QTemporaryDir& dir, const config::Project& p) {
  return train::trainSettingsFrom(p, dir.filePath("project.toml").toStdString());
}

train::TrainResult runFor(const train::TrainSettings& s, Recorder& recorder, train::TrainerControl& control) {
  return train::runTraining(s, control, recorder.callbacks());
}

train::TrainResult runFor(const train::TrainSettings& s, Recorder& recorder) {
  train::TrainerControl control;
  return runFor(s, recorder, control);
}

std::string describe(const train::TrainResult& r) { return r.message + (r.hint.empty() ? "" : " — " + r.hint); }

}  // namespace

class TestTrainer : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { torch::set_num_threads(1); }  // the same reductions in every run

  void resumesExactly() {
    QTemporaryDir straightDir, resumedDir;
    Recorder straight, first, second;
    const train::TrainResult a = runFor(settingsIn(straightDir, tinyProject()), straight);
    QVERIFY2(a.outcome == train::TrainOutcome::Finished, describe(a).c_str());
    QCOMPARE(straight.steps.size(), std::size_t(6));
    QCOMPARE(straight.validations.size(), std::size_t(2));  // steps 3 and 6

    // Stopped by command after step 3 (with a checkpoint), then resumed from the newest checkpoint.
    train::TrainerControl control;
    first.onStep = [&](std::int64_t step) {
      if (step == 3) control.requestStop(true);
    };
    const train::TrainResult b = runFor(settingsIn(resumedDir, tinyProject()), first, control);
    QVERIFY(b.outcome == train::TrainOutcome::Stopped);
    QCOMPARE(b.step, std::int64_t(3));
    QVERIFY(!b.lastCheckpoint.empty());
    config::Project resume = tinyProject();
    resume.set("checkpointing.resume_from", std::string("latest"));
    const train::TrainResult c = runFor(settingsIn(resumedDir, resume), second);
    QVERIFY2(c.outcome == train::TrainOutcome::Finished, describe(c).c_str());
    QCOMPARE(second.steps.size(), std::size_t(3));
    QCOMPARE(second.steps.front().step, std::int64_t(4));

    // Bit for bit: losses, smoothed losses, gradient norms, validation, and every saved tensor.
    std::vector<double> resumed = first.losses();
    for (double l : second.losses()) resumed.push_back(l);
    QCOMPARE(resumed, straight.losses());
    QCOMPARE(second.steps.back().loss_smoothed, straight.steps.back().loss_smoothed);
    QCOMPARE(second.steps.back().grad_norm, straight.steps.back().grad_norm);
    QCOMPARE(second.validations.back().loss, straight.validations.back().loss);
    const train::Checkpoint x = train::CheckpointStore::load(a.lastCheckpoint);
    const train::Checkpoint y = train::CheckpointStore::load(c.lastCheckpoint);
    QCOMPARE(x.tensors.size(), y.tensors.size());
    for (const auto& [name, tensor] : x.tensors) {
      QVERIFY2(y.tensors.count(name), name.c_str());
      QVERIFY2(torch::equal(tensor, y.tensors.at(name)), name.c_str());
    }
    QCOMPARE(x.progress.epoch, y.progress.epoch);
    QCOMPARE(x.progress.batchInEpoch, y.progress.batchInEpoch);
  }

  void refusesToOverwriteARun() {
    QTemporaryDir dir;
    Recorder r1, r2;
    config::Project p = tinyProject();
    p.set("training.max_steps", std::int64_t{1});
    p.set("validation.split", 0.0);
    QVERIFY(runFor(settingsIn(dir, p), r1).outcome == train::TrainOutcome::Finished);
    const train::TrainResult again = runFor(settingsIn(dir, p), r2);
    QVERIFY(again.outcome == train::TrainOutcome::Failed);
    QVERIFY2(again.message.find("already holds checkpoints") != std::string::npos, again.message.c_str());
    QVERIFY(again.hint.find("resume_from") != std::string::npos);
    // Another method's checkpoint is not resumed into this run.
    p.set("checkpointing.resume_from", std::string("latest"));
    p.set("training.method", std::string("lora"));
    const train::TrainResult other = runFor(settingsIn(dir, p), r2);
    QVERIFY(other.outcome == train::TrainOutcome::Failed);
    QVERIFY2(other.message.find("other settings") != std::string::npos, other.message.c_str());
  }

  void commandsPauseResumeSaveSampleAndStop() {
    QTemporaryDir dir;
    config::Project p = tinyProject();
    p.set("training.max_steps", std::int64_t{100});
    p.set("validation.split", 0.0);
    Recorder r;
    train::TrainerControl control;
    std::atomic<bool> stepsDuringPause{false};
    r.onStep = [&](std::int64_t step) {
      if (step == 2) control.requestPause();
      if (step == 4) control.requestSave();
      if (step == 5) control.requestSample();
      if (step == 6) control.requestStop(false);  // cancel: no checkpoint of its own
    };
    std::thread client([&] {
      while (!r.paused) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      const std::int64_t at = r.lastStep;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      stepsDuringPause = r.lastStep != at;
      control.requestResume();
    });
    const train::TrainResult result = runFor(settingsIn(dir, p), r, control);
    client.join();
    QVERIFY(!stepsDuringPause);
    QVERIFY(result.outcome == train::TrainOutcome::Stopped);
    QCOMPARE(result.step, std::int64_t(6));
    const auto paused = std::find(r.states.begin(), r.states.end(), "paused");
    QVERIFY(paused != r.states.end());
    QCOMPARE(*(paused + 1), std::string("training"));
    QCOMPARE(r.states.back(), std::string("stopped"));
    QCOMPARE(r.checkpoints.size(), std::size_t(1));  // the requested save only
    QCOMPARE(r.checkpoints[0].step, std::int64_t(4));
    QCOMPARE(result.lastCheckpoint, r.checkpoints[0].path);
    QCOMPARE(r.samples.size(), std::size_t(1));
    QCOMPARE(r.samples[0].step, std::int64_t(5));
    const auto text = image::readPngText(r.samples[0].path);
    QCOMPARE(text.at("prompt"), std::string("a red circle on a blue background"));
    QCOMPARE(text.at("seed"), std::string("1234"));
    QCOMPARE(text.at("step"), std::string("5"));
  }

  void aVanishedImageStopsTheRunCleanly() {
    QTemporaryDir dir;
    config::Project p = tinyProject();
    p.set("training.max_steps", std::int64_t{40});
    p.set("training.gradient_accumulation", std::int64_t{1});
    p.set("validation.split", 0.0);
    p.set("dataset.cache_latents", false);
    p.set("checkpointing.every_n_steps", std::int64_t{1});
    const std::string victim = dir.filePath("data/shape-00003.png").toStdString();
    Recorder r;
    r.onStep = [&](std::int64_t step) {
      if (step == 1) fs::remove(victim);
    };
    const train::TrainResult result = runFor(settingsIn(dir, p), r);
    QVERIFY(result.outcome == train::TrainOutcome::Failed);
    QCOMPARE(r.errors.size(), std::size_t(1));
    QVERIFY2(r.errors[0].message.find("shape-00003.png") != std::string::npos, r.errors[0].message.c_str());
    QVERIFY(r.errors[0].resumable);
    QVERIFY(r.errors[0].hint.find("resume") != std::string::npos);
    QCOMPARE(r.states.back(), std::string("failed"));
    // The last good checkpoint is complete and loads.
    const train::Checkpoint last = train::CheckpointStore::load(r.errors[0].checkpoint);
    QCOMPARE(last.progress.step, result.step);
  }

  void loraTrainsAndExportsBothLayouts() {
    QTemporaryDir dir;
    config::Project p = tinyProject();
    p.set("training.method", std::string("lora"));
    p.set("training.max_steps", std::int64_t{3});
    p.set("optimizer.type", std::string("adamw"));
    p.set("lora.rank", std::int64_t{4});
    p.set("lora.dropout", 0.1);
    p.set("output.lora_format", std::string("both"));
    Recorder r;
    const train::TrainResult result = runFor(settingsIn(dir, p), r);
    QVERIFY2(result.outcome == train::TrainOutcome::Finished, describe(result).c_str());
    QCOMPARE(result.outputs.size(), std::size_t(2));
    for (const std::string& file : result.outputs) {
      // Loaded onto a fresh model of the same architecture, every adapter finds its layer.
      models::StableDiffusionModel base = models::createScratchModel("tiny", 3);
      QVERIFY(models::loadLora(base, file) > 0);
      // The UNet's and the text encoder's adapters were both trained (their up weights start at zero).
      for (torch::nn::Module* module : {static_cast<torch::nn::Module*>(base.unet.get()),
                                        static_cast<torch::nn::Module*>(base.textEncoder.get())}) {
        bool trained = false;
        for (const auto& item : module->named_parameters())
          if (item.key().find("lora.up") != std::string::npos && item.value().abs().sum().item<double>() > 0)
            trained = true;
        QVERIFY2(trained, file.c_str());
      }
    }
    // The checkpoint holds the adapters and their optimizer state.
    const train::Checkpoint c = train::CheckpointStore::load(result.lastCheckpoint);
    QVERIFY(c.tensors.count("model/unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.lora.up.weight"));
    QVERIFY(c.tensors.count("optimizer/unet/unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.lora.up.weight.m"));
  }

  void fullModelExportsLoadBack() {
    QTemporaryDir dir;
    config::Project p = tinyProject();
    p.set("training.max_steps", std::int64_t{2});
    p.set("ema.enabled", false);
    Recorder r;
    const train::TrainResult result = runFor(settingsIn(dir, p), r);
    QVERIFY2(result.outcome == train::TrainOutcome::Finished, describe(result).c_str());
    QCOMPARE(result.outputs.size(), std::size_t(2));
    const train::Checkpoint c = train::CheckpointStore::load(result.lastCheckpoint);
    const models::StableDiffusionModel folder = models::loadModel(result.outputs[0], torch::kFloat32);
    // Narrow heads are not in a single file's shapes: the folder's configs describe it.
    models::ModelLoadOptions withConfigs;
    withConfigs.configFolder = result.outputs[0];
    const models::StableDiffusionModel single = models::loadModel(result.outputs[1], torch::kFloat32, withConfigs);
    for (const models::StableDiffusionModel* m : {&folder, &single}) {
      for (const auto& item : m->unet->named_parameters())
        QVERIFY2(torch::equal(item.value(), c.tensors.at("model/unet." + item.key())), item.key().c_str());
      for (const auto& item : m->textEncoder->named_parameters())
        QVERIFY2(torch::equal(item.value(), c.tensors.at("model/text_encoder." + item.key())), item.key().c_str());
    }
    QCOMPARE(folder.tokenizer->encodePadded("a red circle"), models::createScratchModel("tiny", 0).tokenizer->encodePadded("a red circle"));
  }

  void vaeTrainingLearnsAndCalibratesItsScale() {
    QTemporaryDir dir;
    config::Project p = tinyProject();
    p.set("training.method", std::string("vae"));
    p.set("training.max_steps", std::int64_t{25});
    p.set("training.gradient_accumulation", std::int64_t{1});
    p.set("optimizer.type", std::string("adamw"));
    p.set("optimizer.learning_rate", 2e-3);
    p.set("ema.enabled", false);
    p.set("dataset.cache_latents", false);
    p.set("sampling.every_n_steps", std::int64_t{25});
    Recorder r;
    const train::TrainResult result = runFor(settingsIn(dir, p), r);
    QVERIFY2(result.outcome == train::TrainOutcome::Finished, describe(result).c_str());
    QVERIFY(!r.validations.empty());  // six training images are too few to expect it to fall
    // Its samples are reconstructions: the two validation images above their decoded latents.
    QCOMPARE(r.samples.size(), std::size_t(1));
    QVERIFY2(QString::fromStdString(r.samples[0].path).endsWith("step-00000025-recon.png"), r.samples[0].path.c_str());
    const image::DecodeResult grid = image::decodeImageFile(r.samples[0].path);
    QVERIFY(grid.ok());
    QCOMPARE(grid.value().image.width, 2 * 64);
    QCOMPARE(grid.value().image.height, 2 * 64);
    const double mse = std::stod(image::readPngText(r.samples[0].path).at("mse"));
    QVERIFY2(mse > 0 && mse < 2, qPrintable(QString::number(mse)));
    QVERIFY(r.samples[0].prompt.find("MSE") != std::string::npos);
    const std::vector<double> losses = r.losses();
    const double first = (losses[0] + losses[1] + losses[2]) / 3, last = (losses[22] + losses[23] + losses[24]) / 3;
    QVERIFY2(last < first * 0.8, qPrintable(QString("reconstruction loss %1 → %2").arg(first).arg(last)));
    const models::AutoencoderKl vae = models::loadVae(result.outputs.at(0), models::ModelFamily::SD1);
    QVERIFY(vae->config.scalingFactor != 1.0);
    QVERIFY(vae->config.scalingFactor > 0);
  }

  void minSnrWeights() {
    const at::Tensor snr = torch::tensor({0.0, 0.5, 5.0, 20.0}, torch::kFloat64);
    const at::Tensor eps = train::minSnrWeights(snr, 5.0, "epsilon");
    QCOMPARE(eps[0].item<double>(), 1.0);  // zero terminal SNR: the ratio's limit
    QCOMPARE(eps[1].item<double>(), 1.0);
    QCOMPARE(eps[2].item<double>(), 1.0);
    QCOMPARE(eps[3].item<double>(), 0.25);
    const at::Tensor v = train::minSnrWeights(snr, 5.0, "v_prediction");
    QCOMPARE(v[0].item<double>(), 0.0);
    QCOMPARE(v[1].item<double>(), 0.5 / 1.5);
    QCOMPARE(v[3].item<double>(), 5.0 / 21.0);
  }

  void targetsFollowThePredictionType() {
    diffusion::SchedulerConfig config;
    config.betaSchedule = "scaled_linear";
    config.betaStart = 0.00085;
    config.betaEnd = 0.012;
    const diffusion::NoiseSchedule schedule(config);
    const at::Tensor x0 = torch::randn({2, 4, 8, 8}), noise = torch::randn({2, 4, 8, 8});
    const at::Tensor t = torch::tensor({10, 900}, torch::kLong);
    train::ObjectiveOptions o;
    const train::NoisedBatch eps = train::noiseBatch(schedule, x0, noise, t, o);
    QVERIFY(torch::equal(eps.target, noise));
    o.predictionType = "v_prediction";
    const train::NoisedBatch v = train::noiseBatch(schedule, x0, noise, t, o);
    const double a = schedule.alphaCumprod(900);
    const at::Tensor expected = std::sqrt(a) * noise[1] - std::sqrt(1 - a) * x0[1];
    QVERIFY(torch::allclose(v.target[1], expected, 1e-5, 1e-6));
    // A perfect prediction has zero loss; the plain loss is the MSE.
    QCOMPARE(train::weightedMse(v.target, v).item<double>(), 0.0);
    const at::Tensor zero = torch::zeros_like(x0);
    QVERIFY(torch::allclose(train::weightedMse(zero, eps), torch::mse_loss(zero, noise)));
    // Timesteps stay within the bounds; offset noise shifts whole channels.
    o.timestepMin = 100;
    o.timestepMax = 101;
    o.noiseOffset = 0.5;
    torch::manual_seed(0);
    const train::NoisedBatch drawn = train::noiseBatch(schedule, torch::zeros({64, 4, 8, 8}), o);
    QVERIFY(drawn.timesteps.min().item<int64_t>() >= 100 && drawn.timesteps.max().item<int64_t>() <= 101);
    o.predictionType = "sample";
    QVERIFY_EXCEPTION_THROWN(train::noiseBatch(schedule, x0, noise, t, o), std::invalid_argument);
  }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
