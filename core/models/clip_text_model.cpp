#include "models/clip_text_model.h"
#include "models/blocks/layers.h"

#include <torch/torch.h>

#include "io/json_config.h"
#include "models/attention.h"
#include "models/lora.h"

namespace sds::models {

ClipTextConfig ClipTextConfig::fromFile(const std::string& path) {
  const io::JsonConfig r = io::JsonConfig::fromFile(path, "a transformers CLIP text encoder config.json");
  ClipTextConfig c;
  r.read("vocab_size", c.vocabSize);
  r.read("hidden_size", c.hiddenSize);
  r.read("intermediate_size", c.intermediateSize);
  r.read("num_hidden_layers", c.numHiddenLayers);
  r.read("num_attention_heads", c.numAttentionHeads);
  r.read("max_position_embeddings", c.maxPositionEmbeddings);
  r.read("hidden_act", c.hiddenAct);
  r.read("layer_norm_eps", c.layerNormEps);
  r.read("eos_token_id", c.eosTokenId);
  r.read("projection_dim", c.projectionDim);
  std::vector<std::string> architectures;
  r.read("architectures", architectures);
  for (const std::string& a : architectures) {
    if (a == "CLIPTextModelWithProjection") c.withProjection = true;
    else if (a != "CLIPTextModel") r.fail("architectures", "names " + a + "; expected CLIPTextModel or CLIPTextModelWithProjection");
  }
  r.requireOneOf("hidden_act", c.hiddenAct, {"quick_gelu", "gelu"});
  if (c.hiddenSize <= 0 || c.numAttentionHeads <= 0 || c.hiddenSize % c.numAttentionHeads != 0)
    r.fail("num_attention_heads", "(" + std::to_string(c.numAttentionHeads) + ") must divide hidden_size (" +
                                      std::to_string(c.hiddenSize) + ")");
  for (auto [key, value] : {std::pair<const char*, int64_t>{"num_hidden_layers", c.numHiddenLayers},
                            {"intermediate_size", c.intermediateSize}, {"vocab_size", c.vocabSize},
                            {"max_position_embeddings", c.maxPositionEmbeddings}})
    if (value <= 0) r.fail(key, "is " + std::to_string(value) + "; expected a positive number");
  if (c.withProjection && c.projectionDim <= 0) r.fail("projection_dim", "must be positive for a text projection");
  return c;
}

ClipTextConfig ClipTextConfig::preset(const std::string& name) {
  ClipTextConfig c;
  if (name == "sd1") return c;
  if (name == "sd2") {
    c.hiddenSize = 1024, c.intermediateSize = 4096, c.numHiddenLayers = 23, c.numAttentionHeads = 16;
    c.hiddenAct = "gelu", c.projectionDim = 512;
    return c;
  }
  if (name == "sdxl-2") {
    c.hiddenSize = 1280, c.intermediateSize = 5120, c.numHiddenLayers = 32, c.numAttentionHeads = 20;
    c.hiddenAct = "gelu", c.projectionDim = 1280, c.withProjection = true;
    return c;
  }
  throw std::invalid_argument("unknown CLIP text encoder preset \"" + name + "\"; expected sd1, sd2 or sdxl-2");
}

ClipAttentionImpl::ClipAttentionImpl(int64_t hidden, int64_t heads) : heads(heads) {
  q_proj = register_module("q_proj", makeLinear(hidden, hidden));
  k_proj = register_module("k_proj", makeLinear(hidden, hidden));
  v_proj = register_module("v_proj", makeLinear(hidden, hidden));
  out_proj = register_module("out_proj", makeLinear(hidden, hidden));
}

at::Tensor ClipAttentionImpl::forward(const at::Tensor& x, const at::Tensor& causalMask) {
  const int64_t b = x.size(0), t = x.size(1), h = x.size(2);
  auto split = [&](const at::Tensor& y) { return y.view({b, t, heads, h / heads}).transpose(1, 2); };
  const at::Tensor out = attention(split(linearWithAdapter(*q_proj, x)), split(linearWithAdapter(*k_proj, x)),
                                   split(linearWithAdapter(*v_proj, x)), causalMask);
  return linearWithAdapter(*out_proj, out.transpose(1, 2).reshape({b, t, h}));
}

ClipMlpImpl::ClipMlpImpl(int64_t hidden, int64_t intermediate, std::string activation)
    : activation(std::move(activation)) {
  fc1 = register_module("fc1", makeLinear(hidden, intermediate));
  fc2 = register_module("fc2", makeLinear(intermediate, hidden));
}

at::Tensor ClipMlpImpl::forward(const at::Tensor& x) {
  at::Tensor y = linearWithAdapter(*fc1, x);
  y = activation == "quick_gelu" ? y * torch::sigmoid(1.702 * y) : torch::gelu(y);
  return linearWithAdapter(*fc2, y);
}

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipTextConfig& c) {
  auto norm = [&] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hiddenSize}).eps(c.layerNormEps)); };
  self_attn = register_module("self_attn", ClipAttention(c.hiddenSize, c.numAttentionHeads));
  layer_norm1 = register_module("layer_norm1", norm());
  mlp = register_module("mlp", ClipMlp(c.hiddenSize, c.intermediateSize, c.hiddenAct));
  layer_norm2 = register_module("layer_norm2", norm());
}

at::Tensor ClipEncoderLayerImpl::forward(const at::Tensor& x, const at::Tensor& causalMask) {
  at::Tensor h = x + self_attn(layer_norm1(x), causalMask);
  return h + mlp(layer_norm2(h));
}

ClipEmbeddingsImpl::ClipEmbeddingsImpl(const ClipTextConfig& c) {
  token_embedding = register_module("token_embedding", makeEmbedding(c.vocabSize, c.hiddenSize));
  position_embedding =
      register_module("position_embedding", makeEmbedding(c.maxPositionEmbeddings, c.hiddenSize));
}

at::Tensor ClipEmbeddingsImpl::forward(const at::Tensor& inputIds) {
  const int64_t t = inputIds.size(1);
  return token_embedding(inputIds) + position_embedding->weight.slice(0, 0, t).unsqueeze(0);
}

ClipEncoderImpl::ClipEncoderImpl(const ClipTextConfig& c) {
  for (int64_t i = 0; i < c.numHiddenLayers; ++i) layers->push_back(ClipEncoderLayer(c));
  register_module("layers", layers);
}

ClipTextModelImpl::ClipTextModelImpl(const ClipTextConfig& c) : config(c) {
  embeddings = register_module("embeddings", ClipEmbeddings(c));
  encoder = register_module("encoder", ClipEncoder(c));
  final_layer_norm = register_module(
      "final_layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hiddenSize}).eps(c.layerNormEps)));
  if (c.withProjection)
    text_projection = register_module(
        "text_projection", makeLinear(torch::nn::LinearOptions(c.hiddenSize, c.projectionDim).bias(false)));
}

ClipTextOutput ClipTextModelImpl::forward(const at::Tensor& inputIds) {
  const int64_t t = inputIds.size(1);
  if (inputIds.dim() != 2 || t > config.maxPositionEmbeddings)
    throw std::invalid_argument("CLIP text encoder input must be [batch, tokens] with at most " +
                                std::to_string(config.maxPositionEmbeddings) + " tokens");
  at::Tensor h = embeddings(inputIds);
  // Causal mask: each token sees itself and the tokens before it.
  const at::Tensor mask = torch::full({t, t}, -std::numeric_limits<double>::infinity(), h.options()).triu(1);
  at::Tensor penultimate = h;
  const auto& layers = *encoder->layers;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (i + 1 == layers.size()) penultimate = h;
    h = layers[i]->as<ClipEncoderLayerImpl>()->forward(h, mask);
  }
  ClipTextOutput out;
  out.penultimateHiddenState = penultimate;
  out.lastHiddenState = final_layer_norm(h);
  // The pooled token: the first end-of-text token, or under the legacy rule (eos_token_id 2 in old
  // configs) the highest id, which is the end-of-text token of CLIP's vocabulary.
  const at::Tensor positions = config.eosTokenId == 2 ? inputIds.argmax(-1)
                                                      : (inputIds == config.eosTokenId).to(torch::kInt).argmax(-1);
  out.pooled = out.lastHiddenState.index({torch::arange(inputIds.size(0), inputIds.options()), positions});
  if (text_projection) out.textEmbeds = text_projection(out.pooled);
  return out;
}

std::string clipTextParameterName(const std::string& fileKey) {
  static const std::string prefix = "text_model.";
  std::string key = fileKey.compare(0, prefix.size(), prefix) == 0 ? fileKey.substr(prefix.size()) : fileKey;
  if (key == "embeddings.position_ids") return "";
  return key;
}

}  // namespace sds::models

#include "models/io/component_weights.h"
#include "models/io/weights.h"

namespace sds::models {

ClipTextModel loadClipTextModel(const std::string& folder, c10::ScalarType dtype) {
  const ClipTextConfig config = ClipTextConfig::fromFile(folder + "/config.json");
  const auto weights = io::loadComponentWeights(folder, "model");
  ClipTextModel model = [&] {
    WeightsWillBeLoaded loading(dtype, folder, valueCount(weights));
    return ClipTextModel(config);
  }();
  model->to(dtype);
  loadWeights(*model, weights, folder, clipTextParameterName);
  model->eval();
  return model;
}

}  // namespace sds::models
