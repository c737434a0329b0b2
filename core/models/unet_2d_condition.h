#pragma once
// UNet2DConditionModel (diffusers) for SD 1.x, SD 2.x and SDXL: every config field those models use,
// with diffusers' parameter names (down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight).

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

#include <string>
#include <vector>

#include "models/blocks/embeddings.h"
#include "models/checkpoint_scope.h"

namespace sds::models {

struct UNetConfig {
  int64_t inChannels = 4;
  int64_t outChannels = 4;
  std::vector<std::string> downBlockTypes{"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                          "DownBlock2D"};
  std::vector<std::string> upBlockTypes{"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                                        "CrossAttnUpBlock2D"};
  std::string midBlockType = "UNetMidBlock2DCrossAttn";
  std::vector<int64_t> blockOutChannels{320, 640, 1280, 1280};
  int64_t layersPerBlock = 2;
  int64_t downsamplePadding = 1;
  double midBlockScaleFactor = 1.0;
  int64_t normNumGroups = 32;
  double normEps = 1e-5;
  std::vector<int64_t> crossAttentionDim{768};         // one value, or one per down block
  std::vector<int64_t> transformerLayersPerBlock{1};   // one value, or one per down block
  std::vector<int64_t> reverseTransformerLayersPerBlock;  // per up block, when given
  std::vector<int64_t> attentionHeads{8};              // heads per block (see fromFile for the legacy name)
  bool useLinearProjection = false;
  bool upcastAttention = false;
  bool flipSinToCos = true;
  double freqShift = 0;
  bool centerInputSample = false;
  double resnetOutScaleFactor = 1.0;
  std::string additionEmbedType;  // "" or "text_time" (SDXL)
  int64_t additionTimeEmbedDim = 0;
  int64_t projectionClassEmbeddingsInputDim = 0;
  int64_t sampleSize = 64;

  // Reads diffusers' config.json. attention_head_dim keeps its legacy meaning (number of heads) when
  // num_attention_heads is absent, as diffusers does. Values SD Studio cannot honour are refused by name.
  static UNetConfig fromFile(const std::string& path);
  // The real shapes: "sd15", "sd21" (also v-prediction 768), "sdxl".
  static UNetConfig preset(const std::string& name);

  // The per-block value of a list given once or per down block.
  static int64_t perBlock(const std::vector<int64_t>& values, std::size_t block);
};

struct UNetConditioning {
  at::Tensor encoderHiddenStates;  // [B, tokens, cross_attention_dim]
  at::Tensor textEmbeds;           // SDXL: pooled text embedding [B, D]
  at::Tensor timeIds;              // SDXL: [B, 6] original size, crop offset, target size
};

struct UNet2DConditionModelImpl : torch::nn::Module {
  explicit UNet2DConditionModelImpl(const UNetConfig& config);
  // sample [B, C, H, W]; timesteps [B] or a single value.
  at::Tensor forward(const at::Tensor& sample, const at::Tensor& timesteps, const UNetConditioning& conditioning);
  // Gradient checkpointing of the resnets and transformers `scope` picks (models/gradient_checkpointing.h).
  void setGradientCheckpointing(CheckpointScope scope);
  void setGradientCheckpointing(bool enabled) { setGradientCheckpointing(enabled ? CheckpointScope::All : CheckpointScope::None); }

  UNetConfig config;
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  TimestepEmbedding time_embedding{nullptr}, add_embedding{nullptr};
  torch::nn::ModuleList down_blocks, up_blocks;
  std::shared_ptr<torch::nn::Module> mid_block;
  torch::nn::GroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(UNet2DConditionModel);

// A unet/ folder (config.json + diffusion_pytorch_model.safetensors or shards), in `dtype` on the CPU.
UNet2DConditionModel loadUNet(const std::string& folder, c10::ScalarType dtype);

}  // namespace sds::models
