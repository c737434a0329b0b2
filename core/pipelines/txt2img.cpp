#include "pipelines/txt2img.h"

#include <torch/torch.h>

#include "diffusion/sampler.h"
#include "models/prompt_encoder.h"

namespace sds::pipelines {
namespace {

using models::PromptEmbeddings;

PromptEmbeddings encode(models::StableDiffusionModel& m, const std::string& text, int batch) {
  return models::encodePrompts(m, std::vector<std::string>(static_cast<std::size_t>(batch), text));
}

void check(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

}  // namespace

at::Tensor txt2img(models::StableDiffusionModel& m, const Txt2ImgParams& p, const Txt2ImgCallbacks& callbacks) {
  torch::NoGradGuard noGrad;
  const int f = m.vae->config.scaleFactor();
  const int native = static_cast<int>(m.unet->config.sampleSize * f);
  const int width = p.width > 0 ? p.width : native, height = p.height > 0 ? p.height : native;
  check(width % f == 0 && height % f == 0, "width and height must be multiples of " + std::to_string(f) + ", not " +
                                               std::to_string(width) + "×" + std::to_string(height));
  check(p.steps >= 1, "steps must be at least 1");
  check(p.batch >= 1, "batch must be at least 1");
  const auto& weight = m.unet->conv_in->weight;
  const c10::Device device = weight.device();
  const c10::ScalarType dtype = weight.scalar_type();
  const bool guided = p.guidance > 1.0;

  PromptEmbeddings cond = encode(m, p.prompt, p.batch);
  PromptEmbeddings uncond;
  if (guided) {
    if (m.family == models::ModelFamily::SDXL && !p.negativePrompt && m.forceZerosForEmptyPrompt) {
      uncond = {torch::zeros_like(cond.hidden), torch::zeros_like(cond.pooled)};
    } else {
      uncond = encode(m, p.negativePrompt.value_or(""), p.batch);
    }
  }

  auto sampler = diffusion::makeSampler(p.sampler, m.scheduler);
  sampler->setTimesteps(p.steps);
  const std::vector<int64_t> latentShape{p.batch, m.unet->config.inChannels, height / f, width / f};
  // One generator for the initial noise and any noise the sampler adds (Euler a), as diffusers uses it.
  at::Generator generator = at::detail::createCPUGenerator(p.seed);
  at::Tensor latents;
  if (p.initLatents.defined()) {
    check(p.initLatents.sizes().vec() == latentShape, "the initial latents have the wrong shape for this size and batch");
    latents = p.initLatents.to(device, dtype);
  } else {
    latents = torch::randn(latentShape, generator, torch::kFloat32).to(device, dtype);
  }
  latents = latents * sampler->initNoiseSigma();

  models::UNetConditioning conditioning;
  conditioning.encoderHiddenStates = guided ? torch::cat({uncond.hidden, cond.hidden}) : cond.hidden;
  if (m.family == models::ModelFamily::SDXL) {
    const int originalW = p.originalWidth > 0 ? p.originalWidth : width;
    const int originalH = p.originalHeight > 0 ? p.originalHeight : height;
    // (original height, original width, crop top, crop left, target height, target width)
    const at::Tensor ids = torch::tensor({double(originalH), double(originalW), double(p.cropTop), double(p.cropLeft),
                                          double(height), double(width)}, torch::TensorOptions().dtype(dtype))
                               .unsqueeze(0)
                               .expand({p.batch * (guided ? 2 : 1), 6})
                               .to(device);
    conditioning.timeIds = ids;
    conditioning.textEmbeds = guided ? torch::cat({uncond.pooled, cond.pooled}) : cond.pooled;
  }

  const auto& timesteps = sampler->timesteps();
  for (std::size_t i = 0; i < timesteps.size(); ++i) {
    if (callbacks.cancel && callbacks.cancel->load()) throw Cancelled();
    const at::Tensor input = sampler->scaleModelInput(guided ? torch::cat({latents, latents}) : latents, i);
    const at::Tensor t = torch::tensor({timesteps[i]}, torch::TensorOptions().dtype(torch::kFloat64)).to(device);
    at::Tensor prediction = m.unet->forward(input, t, conditioning);
    if (guided) {
      const auto halves = prediction.chunk(2);
      prediction = halves[0] + p.guidance * (halves[1] - halves[0]);
    }
    latents = sampler->step(prediction, i, latents, &generator);
    if (callbacks.progress) callbacks.progress(static_cast<int>(i) + 1, static_cast<int>(timesteps.size()));
  }

  const c10::ScalarType vaeType = m.vae->parameters().front().scalar_type();
  at::Tensor image = models::decodeLatents(*m.vae, latents.to(vaeType) / m.vae->config.scalingFactor, p.vaeTiling);
  image = (image / 2 + 0.5).clamp(0, 1);
  return image.permute({0, 2, 3, 1}).to(torch::kCPU, torch::kFloat32).contiguous();
}

}  // namespace sds::pipelines
