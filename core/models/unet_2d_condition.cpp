#include "models/unet_2d_condition.h"
#include "models/blocks/group_norm.h"
#include "models/blocks/layers.h"

#include <torch/torch.h>

#include "models/io/component_weights.h"
#include "io/json_config.h"
#include "models/unet_blocks.h"
#include "models/io/weights.h"

namespace sds::models {
namespace {

// A field given as one integer or as a list of integers.
std::vector<int64_t> intOrList(const io::JsonConfig& r, const char* key, std::vector<int64_t> fallback) {
  if (!r.has(key)) return fallback;
  const nlohmann::json& v = r.raw(key);
  if (v.is_number_integer()) return {v.get<int64_t>()};
  if (v.is_array()) {
    std::vector<int64_t> out;
    for (const auto& item : v) {
      if (!item.is_number_integer()) r.fail(key, "must hold integers (nested lists are not supported)");
      out.push_back(item.get<int64_t>());
    }
    if (!out.empty()) return out;
  }
  r.fail(key, "must be an integer or a list of integers");
}

// Config values of UNet2DConditionModel that SD 1.x/2.x/SDXL never use; refused rather than ignored,
// so a different model is never run with the wrong structure.
void refuseUnsupported(const io::JsonConfig& r) {
  auto mustBe = [&](const char* key, const std::string& expected) {
    std::string value = expected;
    r.read(key, value);
    if (value != expected) r.fail(key, "is \"" + value + "\"; SD Studio supports only \"" + expected + "\"");
  };
  mustBe("act_fn", "silu");
  mustBe("time_embedding_type", "positional");
  mustBe("resnet_time_scale_shift", "default");
  mustBe("attention_type", "default");
  for (const char* key : {"class_embed_type", "encoder_hid_dim_type", "time_cond_proj_dim", "num_class_embeds",
                          "time_embedding_dim", "timestep_post_act", "time_embedding_act_fn", "cross_attention_norm",
                          "reverse_transformer_layers_per_block"})
    if (r.has(key)) r.fail(key, "is set; SD Studio supports UNets without it (null)");
  for (const char* key : {"dual_cross_attention", "resnet_skip_time_act", "class_embeddings_concat",
                          "mid_block_only_cross_attention"}) {
    bool value = false;
    if (r.has(key) && r.raw(key).is_boolean()) value = r.raw(key).get<bool>();
    if (value) r.fail(key, "is true; SD Studio supports only false");
  }
  if (r.has("only_cross_attention")) {
    const nlohmann::json& v = r.raw("only_cross_attention");
    const bool any = v.is_boolean() ? v.get<bool>() : (v.is_array() && v.dump().find("true") != std::string::npos);
    if (any) r.fail("only_cross_attention", "is true; SD Studio supports only false");
  }
  for (const char* key : {"conv_in_kernel", "conv_out_kernel"}) {
    int64_t k = 3;
    r.read(key, k);
    if (k != 3) r.fail(key, "is " + std::to_string(k) + "; SD Studio supports only 3");
  }
}

}  // namespace

int64_t UNetConfig::perBlock(const std::vector<int64_t>& values, std::size_t block) {
  return values.size() == 1 ? values[0] : values.at(block);
}

UNetConfig UNetConfig::fromFile(const std::string& path) {
  const io::JsonConfig r = io::JsonConfig::fromFile(path, "a diffusers UNet2DConditionModel config.json");
  refuseUnsupported(r);
  UNetConfig c;
  r.read("in_channels", c.inChannels);
  r.read("out_channels", c.outChannels);
  r.read("down_block_types", c.downBlockTypes);
  r.read("up_block_types", c.upBlockTypes);
  r.read("mid_block_type", c.midBlockType);
  r.read("block_out_channels", c.blockOutChannels);
  r.read("layers_per_block", c.layersPerBlock);
  r.read("downsample_padding", c.downsamplePadding);
  r.read("mid_block_scale_factor", c.midBlockScaleFactor);
  r.read("norm_num_groups", c.normNumGroups);
  r.read("norm_eps", c.normEps);
  c.crossAttentionDim = intOrList(r, "cross_attention_dim", c.crossAttentionDim);
  c.transformerLayersPerBlock = intOrList(r, "transformer_layers_per_block", c.transformerLayersPerBlock);
  // Legacy meaning: older configs (SD 1.x/2.x) give the number of heads in attention_head_dim.
  c.attentionHeads = r.has("num_attention_heads") ? intOrList(r, "num_attention_heads", c.attentionHeads)
                                                  : intOrList(r, "attention_head_dim", c.attentionHeads);
  r.read("use_linear_projection", c.useLinearProjection);
  r.read("upcast_attention", c.upcastAttention);
  r.read("flip_sin_to_cos", c.flipSinToCos);
  r.read("freq_shift", c.freqShift);
  r.read("center_input_sample", c.centerInputSample);
  r.read("resnet_out_scale_factor", c.resnetOutScaleFactor);
  r.read("addition_embed_type", c.additionEmbedType);
  r.read("addition_time_embed_dim", c.additionTimeEmbedDim);
  r.read("projection_class_embeddings_input_dim", c.projectionClassEmbeddingsInputDim);
  r.read("sample_size", c.sampleSize);

  const std::size_t levels = c.blockOutChannels.size();
  if (levels == 0) r.fail("block_out_channels", "is empty");
  if (c.downBlockTypes.size() != levels || c.upBlockTypes.size() != levels)
    r.fail("down_block_types", "and up_block_types must have one entry per block_out_channels value (" +
                                   std::to_string(levels) + ")");
  for (const std::string& t : c.downBlockTypes)
    if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D")
      r.fail("down_block_types", "names " + t + "; supported are CrossAttnDownBlock2D and DownBlock2D");
  for (const std::string& t : c.upBlockTypes)
    if (t != "CrossAttnUpBlock2D" && t != "UpBlock2D")
      r.fail("up_block_types", "names " + t + "; supported are CrossAttnUpBlock2D and UpBlock2D");
  r.requireOneOf("mid_block_type", c.midBlockType, {"UNetMidBlock2DCrossAttn"});
  if (!c.additionEmbedType.empty()) r.requireOneOf("addition_embed_type", c.additionEmbedType, {"text_time"});
  if (c.additionEmbedType == "text_time" && (c.additionTimeEmbedDim <= 0 || c.projectionClassEmbeddingsInputDim <= 0))
    r.fail("addition_time_embed_dim", "and projection_class_embeddings_input_dim are needed for text_time");
  for (const char* key : {"cross_attention_dim", "transformer_layers_per_block", "attention_head_dim"}) {
    const auto& values = std::string(key) == "cross_attention_dim"           ? c.crossAttentionDim
                         : std::string(key) == "transformer_layers_per_block" ? c.transformerLayersPerBlock
                                                                              : c.attentionHeads;
    if (values.size() != 1 && values.size() != levels)
      r.fail(key, "has " + std::to_string(values.size()) + " values; expected one, or one per block (" +
                      std::to_string(levels) + ")");
  }
  for (std::size_t i = 0; i < levels; ++i) {
    const int64_t heads = perBlock(c.attentionHeads, i);
    if (heads <= 0 || c.blockOutChannels[i] % heads != 0)
      r.fail("attention_head_dim", "gives " + std::to_string(heads) + " heads, which do not divide block " +
                                       std::to_string(i) + "'s " + std::to_string(c.blockOutChannels[i]) + " channels");
    if (c.blockOutChannels[i] % c.normNumGroups != 0)
      r.fail("norm_num_groups", std::to_string(c.normNumGroups) + " does not divide block " + std::to_string(i) +
                                    "'s " + std::to_string(c.blockOutChannels[i]) + " channels");
  }
  return c;
}

UNetConfig UNetConfig::preset(const std::string& name) {
  UNetConfig c;
  if (name == "sd15") return c;
  if (name == "sd21") {
    c.crossAttentionDim = {1024};
    c.attentionHeads = {5, 10, 20, 20};
    c.useLinearProjection = true;
    c.upcastAttention = true;
    c.sampleSize = 96;
    return c;
  }
  if (name == "sdxl") {
    c.downBlockTypes = {"DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"};
    c.upBlockTypes = {"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"};
    c.blockOutChannels = {320, 640, 1280};
    c.crossAttentionDim = {2048};
    c.transformerLayersPerBlock = {1, 2, 10};
    c.attentionHeads = {5, 10, 20};
    c.useLinearProjection = true;
    c.additionEmbedType = "text_time";
    c.additionTimeEmbedDim = 256;
    c.projectionClassEmbeddingsInputDim = 2816;
    c.sampleSize = 128;
    return c;
  }
  throw std::invalid_argument("unknown UNet preset \"" + name + "\"; expected sd15, sd21 or sdxl");
}

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNetConfig& c) : config(c) {
  const auto& channels = c.blockOutChannels;
  const std::size_t levels = channels.size();
  const int64_t timeDim = channels[0] * 4;
  conv_in = register_module("conv_in", makeConv2d(torch::nn::Conv2dOptions(c.inChannels, channels[0], 3).padding(1)));
  time_embedding = register_module("time_embedding", TimestepEmbedding(channels[0], timeDim));
  if (c.additionEmbedType == "text_time")
    add_embedding = register_module("add_embedding", TimestepEmbedding(c.projectionClassEmbeddingsInputDim, timeDim));

  auto blockOptions = [&](std::size_t level, int64_t layers) {
    UNetBlockOptions o;
    o.tembChannels = timeDim;
    o.layers = layers;
    o.groups = c.normNumGroups;
    o.eps = c.normEps;
    o.resnetOutScale = c.resnetOutScaleFactor;
    o.downsamplePadding = c.downsamplePadding;
    o.attention.heads = UNetConfig::perBlock(c.attentionHeads, level);
    o.attention.layers = UNetConfig::perBlock(c.transformerLayersPerBlock, level);
    o.attention.contextDim = UNetConfig::perBlock(c.crossAttentionDim, level);
    o.attention.groups = c.normNumGroups;
    o.attention.linearProjection = c.useLinearProjection;
    o.attention.upcastAttention = c.upcastAttention;
    return o;
  };

  int64_t outputChannels = channels[0];
  for (std::size_t i = 0; i < levels; ++i) {
    UNetBlockOptions o = blockOptions(i, c.layersPerBlock);
    o.inChannels = outputChannels;
    o.outChannels = outputChannels = channels[i];
    o.withAttention = c.downBlockTypes[i] == "CrossAttnDownBlock2D";
    o.resample = i + 1 < levels;
    down_blocks->push_back(DownBlock(o));
  }
  register_module("down_blocks", down_blocks);

  UNetBlockOptions mid = blockOptions(levels - 1, 1);
  mid.inChannels = mid.outChannels = channels.back();
  mid.resnetOutScale = c.midBlockScaleFactor;
  mid_block = register_module("mid_block", MidBlock(mid).ptr());

  // Up blocks mirror the down blocks: level i of the way up is down level levels-1-i.
  int64_t previous = channels.back();
  for (std::size_t i = 0; i < levels; ++i) {
    const std::size_t level = levels - 1 - i;
    UNetBlockOptions o = blockOptions(level, c.layersPerBlock + 1);
    o.prevOutputChannels = previous;
    o.outChannels = previous = channels[level];
    o.inChannels = channels[level == 0 ? 0 : level - 1];
    o.withAttention = c.upBlockTypes[i] == "CrossAttnUpBlock2D";
    o.resample = i + 1 < levels;
    up_blocks->push_back(UpBlock(o));
  }
  register_module("up_blocks", up_blocks);

  conv_norm_out = register_module(
      "conv_norm_out", torch::nn::GroupNorm(torch::nn::GroupNormOptions(c.normNumGroups, channels[0]).eps(c.normEps)));
  conv_out = register_module("conv_out", makeConv2d(torch::nn::Conv2dOptions(channels[0], c.outChannels, 3).padding(1)));
}

at::Tensor UNet2DConditionModelImpl::forward(const at::Tensor& sampleIn, const at::Tensor& timestepsIn,
                                             const UNetConditioning& cond) {
  const int64_t batch = sampleIn.size(0);
  at::Tensor sample = config.centerInputSample ? 2 * sampleIn - 1.0 : sampleIn;
  const at::Tensor timesteps = timestepsIn.dim() == 0 ? timestepsIn.reshape({1}).expand({batch})
                               : timestepsIn.numel() == 1 ? timestepsIn.reshape({1}).expand({batch})
                                                          : timestepsIn;

  const at::Tensor features = timestepFeatures(timesteps.to(sample.device()), config.blockOutChannels[0],
                                               config.flipSinToCos, config.freqShift);
  at::Tensor emb = time_embedding(features.to(sample.scalar_type()));
  if (add_embedding) {
    if (!cond.textEmbeds.defined() || !cond.timeIds.defined())
      throw std::invalid_argument("this UNet (addition_embed_type text_time, SDXL) needs text_embeds and time_ids");
    const at::Tensor timeFeatures = timestepFeatures(cond.timeIds.flatten(), config.additionTimeEmbedDim,
                                                     config.flipSinToCos, config.freqShift)
                                        .reshape({batch, -1});
    const at::Tensor added = torch::cat({cond.textEmbeds, timeFeatures.to(cond.textEmbeds.scalar_type())}, -1);
    emb = emb + add_embedding(added.to(emb.scalar_type()));
  }

  // When a side is not a multiple of the total downsampling, each upsampler is told its target size.
  const int64_t factor = int64_t(1) << (config.blockOutChannels.size() - 1);
  const bool forceSizes = sample.size(2) % factor != 0 || sample.size(3) % factor != 0;

  const at::Tensor& context = cond.encoderHiddenStates;
  sample = conv_in(sample);
  std::vector<at::Tensor> skips{sample};
  for (const auto& block : *down_blocks) sample = block->as<DownBlockImpl>()->forward(sample, emb, context, skips);
  sample = mid_block->as<MidBlockImpl>()->forward(sample, emb, context);
  for (std::size_t i = 0; i < up_blocks->size(); ++i) {
    auto* block = up_blocks[i]->as<UpBlockImpl>();
    std::vector<int64_t> upsampleSize;
    const std::size_t consumed = block->resnets->size();
    if (forceSizes && i + 1 < up_blocks->size()) {
      const at::Tensor& next = skips[skips.size() - consumed - 1];
      upsampleSize = {next.size(2), next.size(3)};
    }
    sample = block->forward(sample, emb, context, skips, upsampleSize);
  }
  return conv_out(groupNorm(*conv_norm_out, sample, true));
}

void UNet2DConditionModelImpl::setGradientCheckpointing(CheckpointScope scope) {
  // Pieces are counted in the order they run, so that Alternate recomputes every other one.
  std::size_t piece = 0;
  const auto decide = [&](bool isAttention) {
    const bool chosen = scope == CheckpointScope::All || (scope == CheckpointScope::Attention && isAttention) ||
                        (scope == CheckpointScope::Resnets && !isAttention) ||
                        (scope == CheckpointScope::Alternate && piece % 2 == 0);
    ++piece;
    return chosen;
  };
  // Down and up blocks run resnet i, then transformer i; the mid block resnet 0, then transformer i
  // and resnet i + 1.
  const auto assignInterleaved = [&](PieceCheckpointing& c, std::size_t resnets, std::size_t attentions) {
    c.resnets.assign(resnets, false);
    c.attentions.assign(attentions, false);
    for (std::size_t i = 0; i < resnets; ++i) {
      c.resnets[i] = decide(false);
      if (i < attentions) c.attentions[i] = decide(true);
    }
  };
  for (const auto& block : *down_blocks) {
    auto* down = block->as<DownBlockImpl>();
    assignInterleaved(down->checkpointing, down->resnets->size(), down->attentions->size());
  }
  auto* mid = mid_block->as<MidBlockImpl>();
  mid->checkpointing.resnets.assign(mid->resnets->size(), false);
  mid->checkpointing.attentions.assign(mid->attentions->size(), false);
  mid->checkpointing.resnets[0] = decide(false);
  for (std::size_t i = 0; i < mid->attentions->size(); ++i) {
    mid->checkpointing.attentions[i] = decide(true);
    mid->checkpointing.resnets[i + 1] = decide(false);
  }
  for (const auto& block : *up_blocks) {
    auto* up = block->as<UpBlockImpl>();
    assignInterleaved(up->checkpointing, up->resnets->size(), up->attentions->size());
  }
}

UNet2DConditionModel loadUNet(const std::string& folder, c10::ScalarType dtype) {
  const UNetConfig config = UNetConfig::fromFile(folder + "/config.json");
  const auto weights = io::loadComponentWeights(folder, "diffusion_pytorch_model");
  UNet2DConditionModel model = [&] {
    WeightsWillBeLoaded loading(dtype, folder, valueCount(weights));
    return UNet2DConditionModel(config);
  }();
  model->to(dtype);
  loadWeights(*model, weights, folder);
  model->eval();
  return model;
}

}  // namespace sds::models
