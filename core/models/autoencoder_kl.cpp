#include "models/autoencoder_kl.h"
#include "models/blocks/group_norm.h"
#include "models/blocks/layers.h"

#include <torch/torch.h>

#include "models/io/component_weights.h"
#include "io/json_config.h"
#include "models/io/weights.h"

namespace sds::models {
namespace {

constexpr double kNormEps = 1e-6;

std::string joined(const std::vector<int64_t>& values) {
  std::string text;
  for (int64_t v : values) text += (text.empty() ? "" : ", ") + std::to_string(v);
  return "[" + text + "]";
}

void requireBlockTypes(const io::JsonConfig& r, const char* key, const std::vector<std::string>& types,
                       const char* supported, std::size_t levels) {
  for (const std::string& t : types)
    if (t != supported)
      r.fail(key, "names \"" + t + "\", which SD Studio does not support; expected \"" + supported + "\"");
  if (types.size() != levels)
    r.fail(key, "has " + std::to_string(types.size()) + " entries but block_out_channels has " +
                    std::to_string(levels));
}

torch::nn::Conv2d conv3(int64_t in, int64_t out) {
  return makeConv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

torch::nn::GroupNorm makeGroupNorm(int64_t groups, int64_t channels) {
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels).eps(kNormEps));
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isAttentionLinearWeight(const std::string& name) {
  if (name.find(".attentions.") == std::string::npos) return false;
  for (const char* leaf : {".to_q.weight", ".to_k.weight", ".to_v.weight", ".to_out.0.weight"})
    if (endsWith(name, leaf)) return true;
  return false;
}

}  // namespace

AutoencoderKlConfig AutoencoderKlConfig::fromFile(const std::string& path) {
  const io::JsonConfig r = io::JsonConfig::fromFile(path, "a diffusers AutoencoderKL config.json");
  std::string className = "AutoencoderKL";
  r.read("_class_name", className);
  if (className != "AutoencoderKL") r.fail("_class_name", "is \"" + className + "\"; expected \"AutoencoderKL\"");

  // diffusers' defaults for keys a file leaves out (AutoencoderKL's constructor), not SD's.
  AutoencoderKlConfig c;
  c.downBlockTypes = {"DownEncoderBlock2D"};
  c.upBlockTypes = {"UpDecoderBlock2D"};
  c.blockOutChannels = {64};
  c.layersPerBlock = 1;
  c.sampleSize = 32;
  r.read("in_channels", c.inChannels);
  r.read("out_channels", c.outChannels);
  r.read("down_block_types", c.downBlockTypes);
  r.read("up_block_types", c.upBlockTypes);
  r.read("block_out_channels", c.blockOutChannels);
  r.read("layers_per_block", c.layersPerBlock);
  r.read("latent_channels", c.latentChannels);
  r.read("norm_num_groups", c.normNumGroups);
  if (r.has("sample_size") && r.raw("sample_size").is_array()) {
    std::vector<int64_t> size;
    r.read("sample_size", size);
    if (!size.empty()) c.sampleSize = size.front();
  } else {
    r.read("sample_size", c.sampleSize);
  }
  r.read("scaling_factor", c.scalingFactor);
  r.read("shift_factor", c.shiftFactor);
  r.read("latents_mean", c.latentsMean);
  r.read("latents_std", c.latentsStd);
  r.read("force_upcast", c.forceUpcast);
  r.read("mid_block_add_attention", c.midBlockAddAttention);
  r.read("use_quant_conv", c.useQuantConv);
  r.read("use_post_quant_conv", c.usePostQuantConv);
  std::string act = "silu";
  r.read("act_fn", act);
  r.requireOneOf("act_fn", act, {"silu"});

  if (c.blockOutChannels.empty()) r.fail("block_out_channels", "is empty");
  requireBlockTypes(r, "down_block_types", c.downBlockTypes, "DownEncoderBlock2D", c.blockOutChannels.size());
  requireBlockTypes(r, "up_block_types", c.upBlockTypes, "UpDecoderBlock2D", c.blockOutChannels.size());
  for (auto [key, value] : {std::pair<const char*, int64_t>{"in_channels", c.inChannels},
                            {"out_channels", c.outChannels}, {"latent_channels", c.latentChannels},
                            {"layers_per_block", c.layersPerBlock}, {"norm_num_groups", c.normNumGroups}})
    if (value <= 0) r.fail(key, "is " + std::to_string(value) + "; expected a positive number");
  for (int64_t ch : c.blockOutChannels)
    if (ch <= 0 || ch % c.normNumGroups != 0)
      r.fail("block_out_channels", "is " + joined(c.blockOutChannels) + "; every entry must be a positive multiple of "
                                       "norm_num_groups (" + std::to_string(c.normNumGroups) + ")");
  if (c.scalingFactor <= 0) r.fail("scaling_factor", "must be positive");
  for (auto [key, values] : {std::pair<const char*, const std::vector<double>*>{"latents_mean", &c.latentsMean},
                             {"latents_std", &c.latentsStd}})
    if (!values->empty() && int64_t(values->size()) != c.latentChannels)
      r.fail(key, "has " + std::to_string(values->size()) + " entries; expected latent_channels (" +
                      std::to_string(c.latentChannels) + ")");
  return c;
}

AutoencoderKlConfig AutoencoderKlConfig::preset(const std::string& name) {
  AutoencoderKlConfig c;
  if (name == "sd") return c;
  if (name == "sdxl") {
    c.scalingFactor = 0.13025;
    c.sampleSize = 1024;
    return c;
  }
  throw std::invalid_argument("unknown VAE preset \"" + name + "\"; expected sd or sdxl");
}

LatentDistribution LatentDistribution::fromMoments(const at::Tensor& moments) {
  const auto parts = moments.chunk(2, 1);
  return {parts[0], parts[1].clamp(-30.0, 20.0)};
}

at::Tensor LatentDistribution::sample(at::Generator* generator) const {
  at::Tensor noise;
  if (generator && generator->device() != mean.device()) {
    // A CPU generator for a GPU tensor: draw where the generator lives, as diffusers' randn_tensor does.
    noise = at::randn(mean.sizes(), *generator, mean.options().device(generator->device())).to(mean.device());
  } else {
    noise = at::randn(mean.sizes(), generator ? c10::optional<at::Generator>(*generator) : c10::nullopt,
                      mean.options());
  }
  return mean + torch::exp(0.5 * logvar) * noise;
}

VaeEncoderImpl::VaeEncoderImpl(const AutoencoderKlConfig& c) {
  const std::vector<int64_t>& ch = c.blockOutChannels;
  const std::size_t levels = ch.size();
  conv_in = register_module("conv_in", conv3(c.inChannels, ch[0]));
  for (std::size_t i = 0; i < levels; ++i)
    down_blocks->push_back(DownEncoderBlock2D(i == 0 ? ch[0] : ch[i - 1], ch[i], c.layersPerBlock, c.normNumGroups,
                                              /*downsample=*/i + 1 < levels));
  register_module("down_blocks", down_blocks);
  mid_block = register_module("mid_block", VaeMidBlock(ch.back(), c.normNumGroups, c.midBlockAddAttention));
  conv_norm_out = register_module("conv_norm_out", makeGroupNorm(c.normNumGroups, ch.back()));
  // Mean and log-variance of every latent channel.
  conv_out = register_module("conv_out", conv3(ch.back(), 2 * c.latentChannels));
}

at::Tensor VaeEncoderImpl::forward(at::Tensor x) {
  x = conv_in(x);
  for (const auto& block : *down_blocks) x = block->as<DownEncoderBlock2DImpl>()->forward(x);
  x = mid_block(x);
  return conv_out(groupNorm(*conv_norm_out, x, true));
}

VaeDecoderImpl::VaeDecoderImpl(const AutoencoderKlConfig& c) {
  const std::vector<int64_t> ch(c.blockOutChannels.rbegin(), c.blockOutChannels.rend());  // widest first
  const std::size_t levels = ch.size();
  conv_in = register_module("conv_in", conv3(c.latentChannels, ch[0]));
  mid_block = register_module("mid_block", VaeMidBlock(ch[0], c.normNumGroups, c.midBlockAddAttention));
  for (std::size_t i = 0; i < levels; ++i)
    up_blocks->push_back(UpDecoderBlock2D(i == 0 ? ch[0] : ch[i - 1], ch[i], c.layersPerBlock + 1, c.normNumGroups,
                                          /*upsample=*/i + 1 < levels));
  register_module("up_blocks", up_blocks);
  conv_norm_out = register_module("conv_norm_out", makeGroupNorm(c.normNumGroups, ch.back()));
  conv_out = register_module("conv_out", conv3(ch.back(), c.outChannels));
}

at::Tensor VaeDecoderImpl::forward(at::Tensor z) {
  at::Tensor x = mid_block(conv_in(z));
  for (const auto& block : *up_blocks) x = block->as<UpDecoderBlock2DImpl>()->forward(x);
  return conv_out(groupNorm(*conv_norm_out, x, true));
}

AutoencoderKlImpl::AutoencoderKlImpl(const AutoencoderKlConfig& c) : config(c) {
  encoder = register_module("encoder", VaeEncoder(c));
  decoder = register_module("decoder", VaeDecoder(c));
  const int64_t moments = 2 * c.latentChannels;
  if (c.useQuantConv)
    quant_conv = register_module("quant_conv", makeConv2d(torch::nn::Conv2dOptions(moments, moments, 1)));
  if (c.usePostQuantConv)
    post_quant_conv = register_module(
        "post_quant_conv", makeConv2d(torch::nn::Conv2dOptions(c.latentChannels, c.latentChannels, 1)));
}

LatentDistribution AutoencoderKlImpl::encode(const at::Tensor& image) {
  if (image.dim() != 4 || image.size(1) != config.inChannels)
    throw std::invalid_argument("VAE input must be [batch, " + std::to_string(config.inChannels) +
                                ", height, width]");
  at::Tensor moments = encoder(image);
  if (quant_conv) moments = quant_conv(moments);
  return LatentDistribution::fromMoments(moments);
}

at::Tensor AutoencoderKlImpl::decode(const at::Tensor& latents) {
  if (latents.dim() != 4 || latents.size(1) != config.latentChannels)
    throw std::invalid_argument("VAE latents must be [batch, " + std::to_string(config.latentChannels) +
                                ", height, width]");
  return decoder(post_quant_conv ? post_quant_conv(latents) : latents);
}

std::string vaeParameterName(const std::string& fileKey) {
  if (fileKey.find(".attentions.") == std::string::npos) return fileKey;
  const std::size_t leaf = fileKey.rfind('.');  // ".weight" / ".bias"
  const std::size_t module = fileKey.rfind('.', leaf - 1) + 1;
  const std::string name = fileKey.substr(module, leaf - module);
  for (auto [legacy, current] : {std::pair<const char*, const char*>{"query", "to_q"}, {"key", "to_k"},
                                 {"value", "to_v"}, {"proj_attn", "to_out.0"}})
    if (name == legacy) return fileKey.substr(0, module) + current + fileKey.substr(leaf);
  return fileKey;
}

void loadAutoencoderKlWeights(AutoencoderKlImpl& model, const std::map<std::string, at::Tensor>& tensors,
                              const std::string& source) {
  // loadWeights copies with exact shapes, so conv-shaped attention kernels become linear weights first.
  std::map<std::string, at::Tensor> shaped;
  for (const auto& [key, tensor] : tensors) {
    const bool convKernel = tensor.dim() == 4 && tensor.size(2) == 1 && tensor.size(3) == 1;
    shaped.emplace(key, convKernel && isAttentionLinearWeight(vaeParameterName(key)) ? tensor.flatten(1) : tensor);
  }
  loadWeights(model, shaped, source, vaeParameterName);
}

AutoencoderKl loadAutoencoderKl(const std::string& folder, c10::ScalarType dtype) {
  const AutoencoderKlConfig config = AutoencoderKlConfig::fromFile(folder + "/config.json");
  const auto weights = io::loadComponentWeights(folder, "diffusion_pytorch_model");
  AutoencoderKl model = [&] {
    WeightsWillBeLoaded loading(dtype, folder, valueCount(weights));
    return AutoencoderKl(config);
  }();
  model->to(dtype);
  loadAutoencoderKlWeights(*model, weights, folder);
  model->eval();
  return model;
}

}  // namespace sds::models
