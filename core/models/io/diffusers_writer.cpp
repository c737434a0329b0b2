#include "models/io/diffusers_writer.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "models/io/torch_tensors.h"
#include "util/atomic_file.h"
#include "util/file_tree.h"

namespace sds::models {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
constexpr const char* kDiffusersVersion = "0.30.0";

// A list given once stays a number, as diffusers writes it.
Json intOrList(const std::vector<int64_t>& values) { return values.size() == 1 ? Json(values[0]) : Json(values); }

Json unetConfig(const UNetConfig& c) {
  Json j{{"_class_name", "UNet2DConditionModel"},
         {"_diffusers_version", kDiffusersVersion},
         {"act_fn", "silu"},
         {"in_channels", c.inChannels},
         {"out_channels", c.outChannels},
         {"down_block_types", c.downBlockTypes},
         {"up_block_types", c.upBlockTypes},
         {"mid_block_type", c.midBlockType},
         {"block_out_channels", c.blockOutChannels},
         {"layers_per_block", c.layersPerBlock},
         {"downsample_padding", c.downsamplePadding},
         {"mid_block_scale_factor", c.midBlockScaleFactor},
         {"norm_num_groups", c.normNumGroups},
         {"norm_eps", c.normEps},
         {"cross_attention_dim", intOrList(c.crossAttentionDim)},
         {"transformer_layers_per_block", intOrList(c.transformerLayersPerBlock)},
         // The number of heads, under the legacy name that diffusers still requires for this model
         // (it refuses num_attention_heads here).
         {"attention_head_dim", intOrList(c.attentionHeads)},
         {"use_linear_projection", c.useLinearProjection},
         {"upcast_attention", c.upcastAttention},
         {"flip_sin_to_cos", c.flipSinToCos},
         {"freq_shift", c.freqShift},
         {"center_input_sample", c.centerInputSample},
         {"resnet_out_scale_factor", c.resnetOutScaleFactor},
         {"sample_size", c.sampleSize},
         {"time_embedding_type", "positional"},
         {"resnet_time_scale_shift", "default"},
         {"conv_in_kernel", 3},
         {"conv_out_kernel", 3}};
  if (!c.reverseTransformerLayersPerBlock.empty())
    j["reverse_transformer_layers_per_block"] = c.reverseTransformerLayersPerBlock;
  j["addition_embed_type"] = c.additionEmbedType.empty() ? Json(nullptr) : Json(c.additionEmbedType);
  j["addition_time_embed_dim"] = c.additionTimeEmbedDim > 0 ? Json(c.additionTimeEmbedDim) : Json(nullptr);
  j["projection_class_embeddings_input_dim"] =
      c.projectionClassEmbeddingsInputDim > 0 ? Json(c.projectionClassEmbeddingsInputDim) : Json(nullptr);
  return j;
}

Json vaeConfig(const AutoencoderKlConfig& c) {
  Json j{{"_class_name", "AutoencoderKL"},
         {"_diffusers_version", kDiffusersVersion},
         {"act_fn", "silu"},
         {"in_channels", c.inChannels},
         {"out_channels", c.outChannels},
         {"down_block_types", c.downBlockTypes},
         {"up_block_types", c.upBlockTypes},
         {"block_out_channels", c.blockOutChannels},
         {"layers_per_block", c.layersPerBlock},
         {"latent_channels", c.latentChannels},
         {"norm_num_groups", c.normNumGroups},
         {"sample_size", c.sampleSize},
         {"scaling_factor", c.scalingFactor},
         {"force_upcast", c.forceUpcast},
         {"mid_block_add_attention", c.midBlockAddAttention},
         {"use_quant_conv", c.useQuantConv},
         {"use_post_quant_conv", c.usePostQuantConv}};
  j["shift_factor"] = c.shiftFactor ? Json(*c.shiftFactor) : Json(nullptr);
  j["latents_mean"] = c.latentsMean.empty() ? Json(nullptr) : Json(c.latentsMean);
  j["latents_std"] = c.latentsStd.empty() ? Json(nullptr) : Json(c.latentsStd);
  return j;
}

Json clipConfig(const ClipTextConfig& c) {
  Json j{{"architectures", {c.withProjection ? "CLIPTextModelWithProjection" : "CLIPTextModel"}},
         {"model_type", "clip_text_model"},
         {"vocab_size", c.vocabSize},
         {"hidden_size", c.hiddenSize},
         {"intermediate_size", c.intermediateSize},
         {"num_hidden_layers", c.numHiddenLayers},
         {"num_attention_heads", c.numAttentionHeads},
         {"max_position_embeddings", c.maxPositionEmbeddings},
         {"hidden_act", c.hiddenAct},
         {"layer_norm_eps", c.layerNormEps},
         {"eos_token_id", c.eosTokenId},
         {"bos_token_id", 0},
         {"pad_token_id", 1},
         {"torch_dtype", "float32"}};
  if (c.projectionDim > 0) j["projection_dim"] = c.projectionDim;
  return j;
}

Json schedulerConfig(const diffusion::SchedulerConfig& c) {
  Json j{{"_class_name", c.className.empty() ? "DDIMScheduler" : c.className},
         {"_diffusers_version", kDiffusersVersion},
         {"num_train_timesteps", c.numTrainTimesteps},
         {"beta_start", c.betaStart},
         {"beta_end", c.betaEnd},
         {"beta_schedule", c.betaSchedule},
         {"prediction_type", c.predictionType},
         {"rescale_betas_zero_snr", c.rescaleBetasZeroSnr},
         {"steps_offset", c.stepsOffset},
         {"clip_sample_range", c.clipSampleRange},
         {"use_karras_sigmas", c.useKarrasSigmas},
         {"final_sigmas_type", c.finalSigmasType}};
  j["trained_betas"] = c.trainedBetas.empty() ? Json(nullptr) : Json(c.trainedBetas);
  if (c.timestepSpacing) j["timestep_spacing"] = *c.timestepSpacing;
  if (c.clipSample) j["clip_sample"] = *c.clipSample;
  if (c.setAlphaToOne) j["set_alpha_to_one"] = *c.setAlphaToOne;
  return j;
}

void refuseAdapters(torch::nn::Module& module, const std::string& component) {
  for (const auto& item : module.named_parameters())
    if (item.key().find(".lora.") != std::string::npos)
      throw std::invalid_argument("the " + component + " has LoRA adapters attached (" + item.key() +
                                  "); save them with saveLora, or merge them into the weights first");
}

// The module's parameters and buffers in `dtype`, named by `rename`.
std::map<std::string, at::Tensor> weightsOf(torch::nn::Module& module, c10::ScalarType dtype,
                                            const std::function<std::string(const std::string&)>& rename) {
  std::map<std::string, at::Tensor> out;
  for (const auto& item : module.named_parameters()) out[rename(item.key())] = item.value().detach().to(torch::kCPU, dtype);
  for (const auto& item : module.named_buffers())
    if (item.value().is_floating_point()) out[rename(item.key())] = item.value().detach().to(torch::kCPU, dtype);
  return out;
}

std::string same(const std::string& name) { return name; }

// transformers nests everything but the projection under "text_model.".
std::string transformersName(const std::string& name) {
  return name.rfind("text_projection", 0) == 0 ? name : "text_model." + name;
}

void writeJson(const fs::path& path, const Json& json) { writeFileAtomically(path.string(), json.dump(2) + "\n"); }

void writeComponent(const fs::path& folder, const Json& config, const std::string& weightsFile,
                    const std::map<std::string, at::Tensor>& weights) {
  fs::create_directories(folder);
  writeJson(folder / "config.json", config);
  io::saveTensors((folder / weightsFile).string(), weights, {{"format", "pt"}});
}

// Writes into a sibling folder, then swaps it into place.
void writeFolderAtomically(const std::string& destination, const std::function<void(const fs::path&)>& write) {
  const fs::path target = fs::absolute(destination).lexically_normal();
  const fs::path partial = target.string() + ".partial";
  std::string reason;
  if (!removeTree(partial.string(), &reason)) throw std::runtime_error("cannot clear " + partial.string() + ": " + reason);
  std::error_code ec;
  fs::create_directories(partial, ec);
  if (ec) throw std::runtime_error("cannot create " + partial.string() + ": " + ec.message());
  try {
    write(partial);
    replaceFolder(partial.string(), target.string());
  } catch (...) {
    removeTree(partial.string());  // a half-written folder (the disk full, say) helps nobody
    throw;
  }
}

void writeVae(AutoencoderKlImpl& vae, const fs::path& folder, c10::ScalarType dtype) {
  refuseAdapters(vae, "VAE");
  writeComponent(folder, vaeConfig(vae.config), "diffusion_pytorch_model.safetensors", weightsOf(vae, dtype, same));
}

}  // namespace

void saveAutoencoderKl(AutoencoderKlImpl& vae, const std::string& folder, c10::ScalarType dtype) {
  writeFolderAtomically(folder, [&](const fs::path& dir) { writeVae(vae, dir, dtype); });
}

void saveDiffusersModel(StableDiffusionModel& model, const std::string& folder, c10::ScalarType dtype) {
  refuseAdapters(*model.unet, "UNet");
  refuseAdapters(*model.textEncoder, "text encoder");
  if (model.textEncoder2) refuseAdapters(*model.textEncoder2, "second text encoder");
  const bool xl = model.family == ModelFamily::SDXL;
  writeFolderAtomically(folder, [&](const fs::path& dir) {
    Json index{{"_class_name", xl ? "StableDiffusionXLPipeline" : "StableDiffusionPipeline"},
               {"_diffusers_version", kDiffusersVersion},
               {"unet", {"diffusers", "UNet2DConditionModel"}},
               {"vae", {"diffusers", "AutoencoderKL"}},
               {"text_encoder", {"transformers", "CLIPTextModel"}},
               {"tokenizer", {"transformers", "CLIPTokenizer"}},
               {"scheduler", {"diffusers", model.scheduler.className.empty() ? "DDIMScheduler" : model.scheduler.className}}};
    if (xl) {
      index["text_encoder_2"] = {"transformers", "CLIPTextModelWithProjection"};
      index["tokenizer_2"] = {"transformers", "CLIPTokenizer"};
      index["force_zeros_for_empty_prompt"] = model.forceZerosForEmptyPrompt;
    } else {
      index["safety_checker"] = {nullptr, nullptr};
      index["feature_extractor"] = {nullptr, nullptr};
      index["requires_safety_checker"] = false;
    }
    writeJson(dir / "model_index.json", index);
    writeComponent(dir / "unet", unetConfig(model.unet->config), "diffusion_pytorch_model.safetensors",
                   weightsOf(*model.unet, dtype, same));
    writeVae(*model.vae, dir / "vae", dtype);
    writeComponent(dir / "text_encoder", clipConfig(model.textEncoder->config), "model.safetensors",
                   weightsOf(*model.textEncoder, dtype, transformersName));
    fs::create_directories(dir / "tokenizer");
    model.tokenizer->save((dir / "tokenizer").string());
    if (xl) {
      writeComponent(dir / "text_encoder_2", clipConfig(model.textEncoder2->config), "model.safetensors",
                     weightsOf(*model.textEncoder2, dtype, transformersName));
      fs::create_directories(dir / "tokenizer_2");
      model.tokenizer2->save((dir / "tokenizer_2").string());
    }
    fs::create_directories(dir / "scheduler");
    writeJson(dir / "scheduler" / "scheduler_config.json", schedulerConfig(model.scheduler));
  });
}

}  // namespace sds::models
