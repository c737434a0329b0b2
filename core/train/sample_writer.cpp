#include "train/sample_writer.h"

#include <torch/torch.h>

#include <cstdio>
#include <filesystem>

#include "train/data/training_pixels.h"
#include "pipelines/txt2img.h"
#include "image/png_writer.h"

namespace sds::train {
namespace {

// Restores each network's train/eval mode on scope exit.
class EvalMode {
 public:
  explicit EvalMode(models::StableDiffusionModel& m) {
    if (m.unet) hold(*m.unet);
    if (m.vae) hold(*m.vae);
    if (m.textEncoder) hold(*m.textEncoder);
    if (m.textEncoder2) hold(*m.textEncoder2);
  }
  ~EvalMode() {
    for (auto& [module, training] : modes_) module->train(training);
  }

 private:
  void hold(torch::nn::Module& module) {
    modes_.emplace_back(&module, module.is_training());
    module.eval();
  }
  std::vector<std::pair<torch::nn::Module*, bool>> modes_;
};

std::string samplePath(const TrainSettings& s, std::int64_t step, std::size_t index) {
  char name[64];
  std::snprintf(name, sizeof name, "step-%08lld-p%02zu.png", static_cast<long long>(step), index);
  return (std::filesystem::path(s.samplesFolder()) / name).string();
}

}  // namespace

std::vector<WrittenSample> writeSamples(models::StableDiffusionModel& model, const TrainSettings& s,
                                        std::int64_t step, const std::function<void(const WrittenSample&)>& written) {
  std::filesystem::create_directories(s.samplesFolder());
  EvalMode eval(model);
  torch::NoGradGuard noGrad;
  std::vector<WrittenSample> samples;
  for (std::size_t i = 0; i < s.samples.prompts.size(); ++i) {
    pipelines::Txt2ImgParams p;
    p.prompt = s.samples.prompts[i];
    if (!s.samples.negativePrompt.empty()) p.negativePrompt = s.samples.negativePrompt;
    p.steps = s.samples.steps;
    p.guidance = s.samples.guidance;
    p.sampler = s.samples.sampler;
    p.width = s.samples.width > 0 ? s.samples.width : s.plan.buckets.resolution;
    p.height = s.samples.height > 0 ? s.samples.height : s.plan.buckets.resolution;
    p.seed = s.samples.seed;
    const at::Tensor image = pipelines::txt2img(model, p)[0];

    WrittenSample sample{samplePath(s, step, i), p.prompt, p.seed};
    const std::map<std::string, std::string> text{
        {"prompt", p.prompt},
        {"negative_prompt", s.samples.negativePrompt},
        {"seed", std::to_string(p.seed)},
        {"step", std::to_string(step)},
        {"sampler", p.sampler},
        {"steps", std::to_string(p.steps)},
        {"guidance", c10::str(p.guidance)},
        {"model", s.name},
        {"parameters", p.prompt + "\n" + (s.samples.negativePrompt.empty() ? "" : "Negative prompt: " + s.samples.negativePrompt + "\n") +
                           "Steps: " + std::to_string(p.steps) + ", Sampler: " + p.sampler +
                           ", CFG scale: " + c10::str(p.guidance) + ", Seed: " + std::to_string(p.seed) +
                           ", Size: " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                           ", Model: " + s.name + ", Step: " + std::to_string(step)}};
    image::writePng(sample.path, data::tensorToImage(image), text);
    samples.push_back(sample);
    if (written) written(sample);
  }
  return samples;
}

Reconstruction writeReconstructions(models::StableDiffusionModel& model, const TrainSettings& s, std::int64_t step,
                                    const at::Tensor& pixels) {
  std::filesystem::create_directories(s.samplesFolder());
  EvalMode eval(model);
  torch::NoGradGuard noGrad;
  const at::Tensor decoded = model.vae->decode(model.vae->encode(pixels).mean).clamp(-1, 1);
  Reconstruction r;
  r.meanSquaredError = torch::mse_loss(decoded.to(torch::kFloat32), pixels.to(torch::kFloat32)).item<double>();
  // [N, 3, H, W] → [H, N·W, 3] in [0, 1]: the images side by side.
  const auto row = [](const at::Tensor& images) {
    const at::Tensor x = ((images.to(torch::kFloat32).cpu() + 1) / 2).permute({2, 0, 3, 1});  // [H, N, W, 3]
    return x.reshape({x.size(0), x.size(1) * x.size(2), 3});
  };
  char name[64];
  std::snprintf(name, sizeof name, "step-%08lld-recon.png", static_cast<long long>(step));
  r.path = (std::filesystem::path(s.samplesFolder()) / name).string();
  image::writePng(r.path, data::tensorToImage(torch::cat({row(pixels), row(decoded)}, 0)),
                  {{"step", std::to_string(step)}, {"model", s.name},
                   {"mse", c10::str(r.meanSquaredError)}});
  return r;
}

}  // namespace sds::train
