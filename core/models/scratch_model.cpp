#include "models/scratch_model.h"

#include <torch/torch.h>

#include <stdexcept>

#include "text/builtin_tokenizer.h"

namespace sds::models {
namespace {

// The demo's model: three UNet levels on 8×8 latents of 64 px images, a two-layer text encoder.
UNetConfig tinyUNet() {
  UNetConfig c;
  c.downBlockTypes = {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"};
  c.upBlockTypes = {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"};
  c.blockOutChannels = {32, 64, 64};
  c.layersPerBlock = 1;
  c.normNumGroups = 8;  // several channels per group: one channel alone would lose flat colours
  c.crossAttentionDim = {64};
  c.attentionHeads = {4};
  c.sampleSize = 8;
  return c;
}

ClipTextConfig tinyTextEncoder() {
  ClipTextConfig c;
  c.hiddenSize = 64;
  c.intermediateSize = 256;
  c.numHiddenLayers = 2;
  c.numAttentionHeads = 4;
  return c;
}

AutoencoderKlConfig tinyVae() {
  AutoencoderKlConfig c;
  // Narrow at full resolution, where the cost is; groups of several channels keep the colour of flat
  // areas, which a group of one channel normalises away.
  c.blockOutChannels = {16, 32, 64, 64};
  c.normNumGroups = 8;
  c.layersPerBlock = 1;
  c.sampleSize = 64;
  c.scalingFactor = 1.0;  // set from the data when the VAE is trained (method vae)
  return c;
}

}  // namespace

StableDiffusionModel createScratchModel(const std::string& architecture, std::uint64_t seed) {
  torch::manual_seed(seed);
  StableDiffusionModel m;
  if (architecture == "tiny") {
    m.family = ModelFamily::SD1;
    m.tokenizer.emplace(text::builtInClipTokenizer("<|endoftext|>"));
    m.textEncoder = ClipTextModel(tinyTextEncoder());
    m.unet = UNet2DConditionModel(tinyUNet());
    m.vae = AutoencoderKl(tinyVae());
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
