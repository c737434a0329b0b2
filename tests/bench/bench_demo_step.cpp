// bench_demo_step: the built-in demo's two training steps on the CPU, in one thread as each of the
// demo's two processes runs them: its autoencoder (batch 8, 64 px: encode, sample, decode, MSE + KL,
// backward) and its UNet with the text encoder (batch 16 on 16×16 latents). Each in channels-first
// and in channels-last layout. Prints ms per step and images/s; the demo's own pace is in its log.
//   bench_demo_step [steps]

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "models/channels_last.h"
#include "models/prompt_encoder.h"
#include "models/scratch_model.h"

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsPerStep(int steps, const std::function<void()>& step) {
  for (int i = 0; i < 3; ++i) step();
  const auto start = Clock::now();
  for (int i = 0; i < steps; ++i) step();
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count() / steps;
}

void report(const char* what, const char* layout, int batch, double ms) {
  std::printf("| %s | %s | %d | %.1f | %.1f |\n", what, layout, batch, ms, batch * 1000.0 / ms);
}

}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 20;
  torch::set_num_threads(1);
  std::printf("| step | layout | batch | ms per step | images/s |\n|---|---|---|---|---|\n");
  for (const bool channelsLast : {false, true}) {
    const char* layout = channelsLast ? "channels-last" : "channels-first";
    const auto format = channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
    sds::models::StableDiffusionModel model = sds::models::createScratchModel("tiny", 7);
    auto& vae = model.vae;
    vae->train();
    if (channelsLast) sds::models::toChannelsLast(*vae);
    torch::manual_seed(1);
    const at::Tensor pixels = (torch::rand({8, 3, 64, 64}) * 2 - 1).contiguous(format);
    report("autoencoder", layout, 8, millisecondsPerStep(steps, [&] {
             vae->zero_grad();
             const auto d = vae->encode(pixels);
             const at::Tensor z = d.mean + torch::exp(0.5 * d.logvar) * torch::randn_like(d.mean);
             const at::Tensor loss = torch::mse_loss(vae->decode(z), pixels) +
                                     1e-6 * (0.5 * (d.mean.pow(2) + d.logvar.exp() - 1 - d.logvar)).mean();
             loss.backward();
           }));
    auto& unet = model.unet;
    unet->train();
    if (channelsLast) sds::models::toChannelsLast(*unet);
    const at::Tensor latents = torch::randn({16, 4, 16, 16}).contiguous(format);
    const at::Tensor timesteps = torch::randint(0, 1000, {16}, torch::kLong);
    const std::vector<std::string> captions(16, "a red circle on a blue background");
    report("UNet + text encoder", layout, 16, millisecondsPerStep(steps, [&] {
             unet->zero_grad();
             model.textEncoder->zero_grad();
             const sds::models::PromptEmbeddings e = sds::models::encodePrompts(model, captions);
             sds::models::UNetConditioning c;
             c.encoderHiddenStates = e.hidden;
             const at::Tensor out = unet->forward(latents, timesteps, c);
             torch::mse_loss(out, torch::zeros_like(out)).backward();
           }));
  }
  return 0;
}
