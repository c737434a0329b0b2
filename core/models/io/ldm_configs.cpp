#include "models/io/ldm_configs.h"

#include <torch/torch.h>

#include <set>

#include "io/config_error.h"
#include "models/io/ldm_names.h"

namespace sds::models::ldm {
namespace {

bool has(const Tensors& t, const std::string& key) { return t.count(key) > 0; }

const at::Tensor& need(const Tensors& t, const std::string& key, int64_t dims, const std::string& path,
                       const std::string& component) {
  const auto it = t.find(key);
  if (it == t.end()) throw io::ConfigError(path + ": the " + component + " has no \"" + key + "\"");
  if (it->second.dim() != dims)
    throw io::ConfigError(path + ": the " + component + "'s \"" + key + "\" has " + std::to_string(it->second.dim()) +
                          " dimensions, expected " + std::to_string(dims));
  return it->second;
}

// How many consecutive indices i = 0, 1, … have a key starting with prefix + i + ".".
int64_t countIndices(const Tensors& t, const std::string& prefix) {
  int64_t n = 0;
  while (hasPrefix(t, prefix + std::to_string(n) + ".")) ++n;
  return n;
}

// Attention heads of `channels` wide blocks, at 64 channels per head.
int64_t headsOf64(int64_t channels, const std::string& what, const std::string& path) {
  if (channels % 64 != 0)
    throw io::ConfigError(path + ": " + what + " is " + std::to_string(channels) +
                          " channels wide, not a multiple of the standard 64 channels per attention head, so the "
                          "number of heads cannot be derived; pass a diffusers folder of this model as its config "
                          "(sdtrain: --config)");
  return channels / 64;
}

}  // namespace

bool hasPrefix(const Tensors& t, const std::string& prefix) {
  const auto it = t.lower_bound(prefix);
  return it != t.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

Tensors withPrefix(const Tensors& all, const std::string& prefix) {
  Tensors out;
  for (auto it = all.lower_bound(prefix); it != all.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out.emplace(it->first.substr(prefix.size()), it->second);
  return out;
}

ModelFamily detectFamily(const Tensors& all, const std::string& path) {
  if (hasPrefix(all, kSdxlText2Prefix) || has(all, std::string(kUNetPrefix) + "label_emb.0.0.weight")) {
    if (!hasPrefix(all, kSdxlText2Prefix) && hasPrefix(all, "conditioner.embedders.0.model."))
      throw io::ConfigError(path + ": this is an SDXL refiner checkpoint (one OpenCLIP text encoder); SD Studio "
                                   "reads SD 1.x, SD 2.x and SDXL base models");
    return ModelFamily::SDXL;
  }
  if (hasPrefix(all, kSd2TextPrefix)) return ModelFamily::SD2;
  if (hasPrefix(all, kSd1TextPrefix)) return ModelFamily::SD1;
  const std::string probe = std::string(kUNetPrefix) + "input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight";
  if (has(all, probe) && all.at(probe).dim() == 2) {
    // A UNet without its text encoder: its cross-attention width names the encoder it was trained with.
    const int64_t context = all.at(probe).size(1);
    if (context == 768) return ModelFamily::SD1;
    if (context == 1024) return ModelFamily::SD2;
  }
  if (hasPrefix(all, "lora_unet_") || hasPrefix(all, "lora_te_") || hasPrefix(all, "unet.") ||
      hasPrefix(all, "base_model.model."))
    throw io::ConfigError(path + ": this is a LoRA or adapter file, not a complete model; load its base model instead");
  if (!hasPrefix(all, kUNetPrefix)) {
    const std::string example = all.empty() ? "none" : "\"" + all.begin()->first + "\"";
    throw io::ConfigError(path + ": not a Stable Diffusion checkpoint in the original layout: no " +
                          std::string(kUNetPrefix) + "* keys (first key: " + example + ")");
  }
  throw io::ConfigError(path + ": cannot tell which Stable Diffusion family this is: it has no text encoder "
                               "(cond_stage_model.* or conditioner.embedders.*); pass a diffusers folder of its base "
                               "model as its config (sdtrain: --config)");
}

UNetConfig unetConfig(const Tensors& u, ModelFamily family, int64_t pooledTextDim, const std::string& path) {
  const std::string what = "UNet (" + std::string(kUNetPrefix) + "*)";
  UNetConfig c = UNetConfig::preset(family == ModelFamily::SD1 ? "sd15" : family == ModelFamily::SD2 ? "sd21" : "sdxl");
  const at::Tensor& convIn = need(u, "input_blocks.0.0.weight", 4, path, what);
  c.inChannels = convIn.size(1);
  c.outChannels = need(u, "out.2.weight", 4, path, what).size(0);

  // input_blocks: conv_in, then per level `layers` resnets (each with its attention) and a downsampler,
  // except after the last level.
  int64_t layers = 0;
  while (has(u, "input_blocks." + std::to_string(1 + layers) + ".0.in_layers.0.weight")) ++layers;
  const int64_t inputBlocks = countIndices(u, "input_blocks.");
  if (layers == 0 || inputBlocks % (layers + 1) != 0)
    throw io::ConfigError(path + ": the " + what + "'s input_blocks do not form levels of resnets and downsamplers");
  const int64_t levels = inputBlocks / (layers + 1);
  c.layersPerBlock = layers;
  c.blockOutChannels.clear();
  c.downBlockTypes.clear();
  c.upBlockTypes.clear();
  std::vector<int64_t> depth;
  int64_t contextDim = 0;
  bool linear = false;
  for (int64_t level = 0; level < levels; ++level) {
    const std::string first = "input_blocks." + std::to_string(1 + level * (layers + 1));
    c.blockOutChannels.push_back(need(u, first + ".0.out_layers.3.weight", 4, path, what).size(0));
    const bool attention = has(u, first + ".1.proj_in.weight");
    c.downBlockTypes.push_back(attention ? "CrossAttnDownBlock2D" : "DownBlock2D");
    depth.push_back(attention ? countIndices(u, first + ".1.transformer_blocks.") : 1);
    if (attention && contextDim == 0) {
      contextDim = need(u, first + ".1.transformer_blocks.0.attn2.to_k.weight", 2, path, what).size(1);
      linear = u.at(first + ".1.proj_in.weight").dim() == 2;
    }
    if (level + 1 < levels && !has(u, "input_blocks." + std::to_string((level + 1) * (layers + 1)) + ".0.op.weight"))
      throw io::ConfigError(path + ": the " + what + " has no downsampler after level " + std::to_string(level));
  }
  for (int64_t up = 0; up < levels; ++up)
    c.upBlockTypes.push_back(has(u, "output_blocks." + std::to_string(up * (layers + 1)) + ".1.proj_in.weight")
                                 ? "CrossAttnUpBlock2D"
                                 : "UpBlock2D");
  if (!has(u, "middle_block.1.proj_in.weight"))
    throw io::ConfigError(path + ": the " + what + " has no attention in its middle block; SD Studio supports "
                                 "UNetMidBlock2DCrossAttn only");
  // diffusers gives the middle block the last level's transformer depth.
  const int64_t midDepth = countIndices(u, "middle_block.1.transformer_blocks.");
  if (c.downBlockTypes.back() == "DownBlock2D")
    depth.back() = midDepth;
  else if (midDepth != depth.back())
    throw io::ConfigError(path + ": the " + what + "'s middle block has " + std::to_string(midDepth) +
                          " transformer blocks and its last level " + std::to_string(depth.back()) +
                          "; diffusers' UNet needs them equal");
  if (contextDim == 0) throw io::ConfigError(path + ": the " + what + " has no cross-attention");
  c.crossAttentionDim = {contextDim};
  c.useLinearProjection = linear;
  c.transformerLayersPerBlock = std::set<int64_t>(depth.begin(), depth.end()).size() == 1
                                    ? std::vector<int64_t>{depth[0]}
                                    : depth;

  if (family == ModelFamily::SD1) {
    c.attentionHeads = {8};
  } else {
    c.attentionHeads.clear();
    // A level without attention has no heads, unless it is the last, whose heads the middle block uses.
    for (int64_t level = 0; level < levels; ++level)
      c.attentionHeads.push_back(c.downBlockTypes[level] == "DownBlock2D" && level + 1 < levels
                                     ? 1
                                     : headsOf64(c.blockOutChannels[level],
                                                 "UNet level " + std::to_string(level), path));
  }
  for (std::size_t level = 0; level < c.blockOutChannels.size(); ++level) {
    const int64_t heads = UNetConfig::perBlock(c.attentionHeads, level);
    if (c.blockOutChannels[level] % c.normNumGroups != 0 ||
        c.blockOutChannels[level] % heads != 0)
      throw io::ConfigError(path + ": UNet level " + std::to_string(level) + " is " +
                            std::to_string(c.blockOutChannels[level]) + " channels wide, which does not divide into " +
                            std::to_string(c.normNumGroups) + " norm groups and " + std::to_string(heads) +
                            " attention heads; pass a diffusers folder of this model as its config (sdtrain: --config)");
  }

  if (family == ModelFamily::SDXL) {
    const int64_t addIn = need(u, "label_emb.0.0.weight", 2, path, what).size(1);
    c.projectionClassEmbeddingsInputDim = addIn;
    // text_time: the pooled text embedding, then six size/crop numbers embedded at addition_time_embed_dim each.
    if (pooledTextDim <= 0 || addIn <= pooledTextDim || (addIn - pooledTextDim) % 6 != 0)
      throw io::ConfigError(path + ": the UNet's label_emb.0.0.weight takes " + std::to_string(addIn) +
                            " inputs, which does not fit a pooled text embedding of " + std::to_string(pooledTextDim) +
                            " plus six size embeddings");
    c.additionTimeEmbedDim = (addIn - pooledTextDim) / 6;
  } else {
    c.upcastAttention = family == ModelFamily::SD2;
    c.sampleSize = 64;
  }
  return c;
}

AutoencoderKlConfig vaeConfig(const Tensors& v, ModelFamily family, const std::string& path) {
  const std::string what = "VAE (" + std::string(kVaePrefix) + "*)";
  AutoencoderKlConfig c = AutoencoderKlConfig::preset(family == ModelFamily::SDXL ? "sdxl" : "sd");
  c.inChannels = need(v, "encoder.conv_in.weight", 4, path, what).size(1);
  c.outChannels = need(v, "decoder.conv_out.weight", 4, path, what).size(0);
  c.latentChannels = need(v, "decoder.conv_in.weight", 4, path, what).size(1);
  const int64_t levels = countIndices(v, "encoder.down.");
  if (levels == 0) throw io::ConfigError(path + ": the " + what + " has no encoder.down.* levels");
  c.blockOutChannels.clear();
  for (int64_t level = 0; level < levels; ++level)
    c.blockOutChannels.push_back(
        need(v, "encoder.down." + std::to_string(level) + ".block.0.conv1.weight", 4, path, what).size(0));
  c.layersPerBlock = countIndices(v, "encoder.down.0.block.");
  c.downBlockTypes.assign(levels, "DownEncoderBlock2D");
  c.upBlockTypes.assign(levels, "UpDecoderBlock2D");
  c.useQuantConv = has(v, "quant_conv.weight");
  c.usePostQuantConv = has(v, "post_quant_conv.weight");
  c.midBlockAddAttention = has(v, "encoder.mid.attn_1.q.weight");
  for (const int64_t channels : c.blockOutChannels)
    if (channels % c.normNumGroups != 0)
      throw io::ConfigError(path + ": a VAE level is " + std::to_string(channels) + " channels wide, which does not "
                            "divide into " + std::to_string(c.normNumGroups) + " norm groups");
  return c;
}

ClipTextConfig clipConfig(const Tensors& t, const std::string& path) {
  const std::string what = "CLIP text encoder";
  const bool nested = has(t, "text_model.embeddings.token_embedding.weight");
  const std::string root = nested ? "text_model." : "";
  ClipTextConfig c = ClipTextConfig::preset("sd1");
  const at::Tensor& tokens = need(t, root + "embeddings.token_embedding.weight", 2, path, what);
  c.vocabSize = tokens.size(0);
  c.hiddenSize = tokens.size(1);
  c.maxPositionEmbeddings = need(t, root + "embeddings.position_embedding.weight", 2, path, what).size(0);
  c.numHiddenLayers = countIndices(t, root + "encoder.layers.");
  if (c.numHiddenLayers == 0) throw io::ConfigError(path + ": the " + what + " has no encoder.layers.*");
  c.intermediateSize = need(t, root + "encoder.layers.0.mlp.fc1.weight", 2, path, what).size(0);
  c.numAttentionHeads = headsOf64(c.hiddenSize, "the " + what, path);
  return c;
}

ClipTextConfig openClipConfig(const Tensors& t, bool dropLastLayer, bool withProjection, const std::string& path) {
  const std::string what = "OpenCLIP text encoder";
  ClipTextConfig c = ClipTextConfig::preset("sd1");
  c.hiddenAct = "gelu";
  const at::Tensor& tokens = need(t, "token_embedding.weight", 2, path, what);
  c.vocabSize = tokens.size(0);
  c.hiddenSize = tokens.size(1);
  c.maxPositionEmbeddings = need(t, "positional_embedding", 2, path, what).size(0);
  const int64_t blocks = countIndices(t, "transformer.resblocks.");
  c.numHiddenLayers = dropLastLayer ? blocks - 1 : blocks;
  if (c.numHiddenLayers < 1) throw io::ConfigError(path + ": the " + what + " has too few transformer.resblocks.*");
  c.intermediateSize = need(t, "transformer.resblocks.0.mlp.c_fc.weight", 2, path, what).size(0);
  c.numAttentionHeads = headsOf64(c.hiddenSize, "the " + what, path);
  c.withProjection = withProjection;
  c.projectionDim = withProjection ? need(t, "text_projection", 2, path, what).size(1) : 0;
  return c;
}

}  // namespace sds::models::ldm
