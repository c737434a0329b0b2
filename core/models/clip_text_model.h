#pragma once
// CLIPTextModel and CLIPTextModelWithProjection (transformers), the text encoders of SD 1.x/2.x and
// SDXL, with transformers' parameter names (without the optional "text_model." prefix):
// embeddings.token_embedding.weight, encoder.layers.0.self_attn.q_proj.weight, final_layer_norm.weight,
// text_projection.weight.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <string>

namespace sds::models {

struct ClipTextConfig {
  int64_t vocabSize = 49408;
  int64_t hiddenSize = 768;
  int64_t intermediateSize = 3072;
  int64_t numHiddenLayers = 12;
  int64_t numAttentionHeads = 12;
  int64_t maxPositionEmbeddings = 77;
  std::string hiddenAct = "quick_gelu";  // quick_gelu, gelu
  double layerNormEps = 1e-5;
  int64_t eosTokenId = 2;  // 2 means the legacy rule: pooled output at the highest id (the eos)
  int64_t projectionDim = 0;  // > 0: CLIPTextModelWithProjection
  bool withProjection = false;

  // Reads a transformers config.json; unsupported values are refused by name (io::ConfigError).
  static ClipTextConfig fromFile(const std::string& path);
  // Named presets of the real encoders: "sd1" (CLIP ViT-L/14), "sd2" (OpenCLIP ViT-H/14),
  // "sdxl-2" (OpenCLIP ViT-bigG/14, with projection).
  static ClipTextConfig preset(const std::string& name);
};

struct ClipTextOutput {
  at::Tensor lastHiddenState;         // [B, T, H], after the final layer norm
  at::Tensor penultimateHiddenState;  // [B, T, H], output of the second-to-last layer, no final norm
  at::Tensor pooled;                  // [B, H], last hidden state at the end-of-text token
  at::Tensor textEmbeds;              // [B, P], projected pooled output (with projection only)
};

struct ClipAttentionImpl : torch::nn::Module {
  ClipAttentionImpl(int64_t hidden, int64_t heads);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& causalMask);
  int64_t heads;
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};
};
TORCH_MODULE(ClipAttention);

struct ClipMlpImpl : torch::nn::Module {
  ClipMlpImpl(int64_t hidden, int64_t intermediate, std::string activation);
  at::Tensor forward(const at::Tensor& x);
  std::string activation;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(ClipMlp);

struct ClipEncoderLayerImpl : torch::nn::Module {
  explicit ClipEncoderLayerImpl(const ClipTextConfig& config);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& causalMask);
  torch::nn::LayerNorm layer_norm1{nullptr}, layer_norm2{nullptr};
  ClipAttention self_attn{nullptr};
  ClipMlp mlp{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

struct ClipEmbeddingsImpl : torch::nn::Module {
  explicit ClipEmbeddingsImpl(const ClipTextConfig& config);
  at::Tensor forward(const at::Tensor& inputIds);
  torch::nn::Embedding token_embedding{nullptr}, position_embedding{nullptr};
};
TORCH_MODULE(ClipEmbeddings);

struct ClipEncoderImpl : torch::nn::Module {
  explicit ClipEncoderImpl(const ClipTextConfig& config);
  torch::nn::ModuleList layers;
};
TORCH_MODULE(ClipEncoder);

struct ClipTextModelImpl : torch::nn::Module {
  explicit ClipTextModelImpl(const ClipTextConfig& config);
  // inputIds: int64 [B, T] with T <= max_position_embeddings.
  ClipTextOutput forward(const at::Tensor& inputIds);

  ClipTextConfig config;
  ClipEmbeddings embeddings{nullptr};
  ClipEncoder encoder{nullptr};
  torch::nn::LayerNorm final_layer_norm{nullptr};
  torch::nn::Linear text_projection{nullptr};  // with projection only
};
TORCH_MODULE(ClipTextModel);

// Weight names as files store them, mapped to this module's names ("text_model." dropped; the
// position_ids buffer older files carry is not a weight). Returns "" for keys to ignore.
std::string clipTextParameterName(const std::string& fileKey);

}  // namespace sds::models

namespace sds::models {

// A text encoder folder (config.json + model.safetensors or shards), in `dtype` on the CPU.
ClipTextModel loadClipTextModel(const std::string& folder, c10::ScalarType dtype);

}  // namespace sds::models
