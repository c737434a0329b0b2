#include "models/scratch_model.h"

#include <torch/torch.h>

#include <stdexcept>

#include "text/builtin_tokenizer.h"

namespace sds::models {
namespace {

// The demo's model: three UNet levels on 16×16 latents of 64 px images (16, 8 and 4 latents a side),
// attention only on the two smaller ones where it is cheap, a two-layer text encoder.
UNetConfig tinyUNet() {
  UNetConfig c;
  c.downBlockTypes = {"DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"};
  c.upBlockTypes = {"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"};
  c.blockOutChannels = {32, 64, 64};
  c.layersPerBlock = 1;
  c.normNumGroups = 8;  // several channels per group: one channel alone would lose flat colours
  c.crossAttentionDim = {64};
  c.attentionHeads = {4};
  c.sampleSize = 16;
  return c;
}

// Prompts of the demo's kind are ten tokens with bos and eos. At CLIP's 77 positions, 68 would be
// padding, each (through causal attention) a summary of the whole prompt, and they would take most of
// every cross-attention's weight from the words themselves: the model then learned the background's
// colour (the last word before them) but hardly the object's.
constexpr int kTinyPromptLength = 16;

ClipTextConfig tinyTextEncoder() {
  ClipTextConfig c;
  c.maxPositionEmbeddings = kTinyPromptLength;
  c.hiddenSize = 64;
  c.intermediateSize = 256;
  c.numHiddenLayers = 2;
  c.numAttentionHeads = 4;
  return c;
}

AutoencoderKlConfig tinyVae() {
  AutoencoderKlConfig c;
  // Three levels: 64 px images to 16×16×4 latents. At 8×8 (four levels) the decoder could not learn
  // the colours in the demo's budget (reconstruction MSE 0.3: blue came back teal, black brown).
  // Narrow at full resolution, where the cost is. One normalisation group per layer: every group
  // normalises away the mean of its channels, and with four groups of four the decoder lost the
  // colour of flat areas (dark objects came back red or green, green on blue as blue; 109 of 120
  // reconstructions with both colours right against 120 with one group).
  c.downBlockTypes = std::vector<std::string>(3, "DownEncoderBlock2D");
  c.upBlockTypes = std::vector<std::string>(3, "UpDecoderBlock2D");
  c.blockOutChannels = {16, 32, 64};
  c.normNumGroups = 1;
  c.layersPerBlock = 1;
  c.sampleSize = 64;
  c.scalingFactor = 1.0;  // set from the data when the VAE is trained (method vae)
  return c;
}

// A new encoder's posterior has σ≈1 while its means are still small, so the sampled latents are
// mostly noise and the decoder learns nothing until σ shrinks. Starting with a narrow posterior
// (log-variance −14) makes it an autoencoder from the first step; the KL term widens it as it needs.
void startWithNarrowPosterior(AutoencoderKl& vae) {
  if (!vae->quant_conv) return;
  torch::NoGradGuard noGrad;
  const int64_t latents = vae->config.latentChannels;
  vae->quant_conv->bias.slice(0, latents, 2 * latents).fill_(-14.0);
}

}  // namespace

StableDiffusionModel createScratchModel(const std::string& architecture, std::uint64_t seed) {
  torch::manual_seed(seed);
  StableDiffusionModel m;
  if (architecture == "tiny") {
    m.family = ModelFamily::SD1;
    m.tokenizer.emplace(text::builtInClipTokenizer("<|endoftext|>", kTinyPromptLength));
    m.textEncoder = ClipTextModel(tinyTextEncoder());
    m.unet = UNet2DConditionModel(tinyUNet());
    m.vae = AutoencoderKl(tinyVae());
    startWithNarrowPosterior(m.vae);
    m.scheduler = diffusion::stableDiffusionSchedule("epsilon");
  } else if (architecture == "sd1") {
    m.family = ModelFamily::SD1;
    m.tokenizer.emplace(text::builtInClipTokenizer("<|endoftext|>"));
    m.textEncoder = ClipTextModel(ClipTextConfig::preset("sd1"));
    m.unet = UNet2DConditionModel(UNetConfig::preset("sd15"));
    m.vae = AutoencoderKl(AutoencoderKlConfig::preset("sd"));
    m.scheduler = diffusion::stableDiffusionSchedule("epsilon");
  } else if (architecture == "sd2" || architecture == "sd2-v") {
    m.family = ModelFamily::SD2;
    m.tokenizer.emplace(text::builtInClipTokenizer("!"));
    m.textEncoder = ClipTextModel(ClipTextConfig::preset("sd2"));
    m.unet = UNet2DConditionModel(UNetConfig::preset("sd21"));
    m.vae = AutoencoderKl(AutoencoderKlConfig::preset("sd"));
    m.scheduler = diffusion::stableDiffusionSchedule(architecture == "sd2-v" ? "v_prediction" : "epsilon");
  } else if (architecture == "sdxl") {
    m.family = ModelFamily::SDXL;
    m.tokenizer.emplace(text::builtInClipTokenizer("<|endoftext|>"));
    m.tokenizer2.emplace(text::builtInClipTokenizer("!"));
    m.textEncoder = ClipTextModel(ClipTextConfig::preset("sd1"));
    m.textEncoder2 = ClipTextModel(ClipTextConfig::preset("sdxl-2"));
    m.unet = UNet2DConditionModel(UNetConfig::preset("sdxl"));
    m.vae = AutoencoderKl(AutoencoderKlConfig::preset("sdxl"));
    m.scheduler = diffusion::stableDiffusionSchedule("epsilon");
    m.scheduler.className = "EulerDiscreteScheduler";
  } else {
    throw std::invalid_argument("cannot create a \"" + architecture +
                                "\" model from scratch; expected sd1, sd2, sd2-v, sdxl or tiny");
  }
  m.unet->eval();
  m.vae->eval();
  m.textEncoder->eval();
  if (m.textEncoder2) m.textEncoder2->eval();
  return m;
}

}  // namespace sds::models
