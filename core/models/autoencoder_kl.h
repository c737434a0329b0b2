#pragma once
// diffusers' AutoencoderKL, the VAE of SD 1.x/2.x and SDXL, with diffusers' parameter names
// (encoder.down_blocks.0.resnets.0.conv1.weight, encoder.mid_block.attentions.0.to_q.weight,
// quant_conv.weight, decoder.up_blocks.3.resnets.2.conv2.weight, …).

#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/blocks/vae_blocks.h"

namespace sds::models {

struct AutoencoderKlConfig {
  int64_t inChannels = 3;
  int64_t outChannels = 3;
  std::vector<std::string> downBlockTypes = std::vector<std::string>(4, "DownEncoderBlock2D");
  std::vector<std::string> upBlockTypes = std::vector<std::string>(4, "UpDecoderBlock2D");
  std::vector<int64_t> blockOutChannels{128, 256, 512, 512};
  int64_t layersPerBlock = 2;
  int64_t latentChannels = 4;
  int64_t normNumGroups = 32;
  int64_t sampleSize = 512;
  double scalingFactor = 0.18215;
  std::optional<double> shiftFactor;   // latents = (z - shift) * scale when set
  std::vector<double> latentsMean;     // per-channel latent statistics some VAEs carry; empty when null
  std::vector<double> latentsStd;
  bool forceUpcast = true;             // the VAE overflows in float16: decode in float32
  bool midBlockAddAttention = true;
  bool useQuantConv = true;
  bool usePostQuantConv = true;

  // Reads a diffusers config.json (absent keys take diffusers' defaults); unsupported values are
  // refused by name (io::ConfigError).
  static AutoencoderKlConfig fromFile(const std::string& path);
  // "sd" (the SD 1.x/2.x VAE) and "sdxl" (same shapes, scaling 0.13025).
  static AutoencoderKlConfig preset(const std::string& name);

  // Pixels per latent along each side: every level after the first halves the size (8 for SD's VAEs).
  int scaleFactor() const { return 1 << (blockOutChannels.size() - 1); }
};

// The encoder's posterior, diffusers' DiagonalGaussianDistribution.
struct LatentDistribution {
  at::Tensor mean, logvar;  // [B, latent, h, w]; logvar clamped to [-30, 20]

  // Splits encoder moments [B, 2*latent, h, w] into mean and clamped logvar.
  static LatentDistribution fromMoments(const at::Tensor& moments);
  // mean + exp(logvar / 2) * noise, the noise drawn from `generator` (on its device) when given.
  at::Tensor sample(at::Generator* generator = nullptr) const;
};

struct VaeEncoderImpl : torch::nn::Module {
  explicit VaeEncoderImpl(const AutoencoderKlConfig& config);
  at::Tensor forward(at::Tensor x);  // image → moments [B, 2*latent, H/f, W/f]
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  torch::nn::ModuleList down_blocks;
  VaeMidBlock mid_block{nullptr};
  torch::nn::GroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(VaeEncoder);

struct VaeDecoderImpl : torch::nn::Module {
  explicit VaeDecoderImpl(const AutoencoderKlConfig& config);
  at::Tensor forward(at::Tensor z);  // latents → image
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  VaeMidBlock mid_block{nullptr};
  torch::nn::ModuleList up_blocks;
  torch::nn::GroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(VaeDecoder);

struct AutoencoderKlImpl : torch::nn::Module {
  explicit AutoencoderKlImpl(const AutoencoderKlConfig& config);
  // image: [B, in, H, W] in [-1, 1], in the model's dtype; sides that are multiples of 2^(levels-1) decode back
  // to the same size.
  LatentDistribution encode(const at::Tensor& image);
  // latents: [B, latent, h, w], already divided by the scaling factor → image in about [-1, 1].
  at::Tensor decode(const at::Tensor& latents);

  AutoencoderKlConfig config;
  VaeEncoder encoder{nullptr};
  VaeDecoder decoder{nullptr};
  torch::nn::Conv2d quant_conv{nullptr}, post_quant_conv{nullptr};  // absent when the config says so
};
TORCH_MODULE(AutoencoderKl);

// Weight names as files store them, mapped to this module's names: the mid-block attention's older
// names query/key/value/proj_attn become to_q/to_k/to_v/to_out.0.
std::string vaeParameterName(const std::string& fileKey);

// Loads tensors named as in a diffusers VAE file (either attention naming; attention weights stored
// as 1×1 conv kernels [C, C, 1, 1] are taken as linear weights). Throws WeightsError.
void loadAutoencoderKlWeights(AutoencoderKlImpl& model, const std::map<std::string, at::Tensor>& tensors,
                              const std::string& source);

// A VAE folder (config.json + diffusion_pytorch_model.safetensors or shards), in `dtype` on the CPU.
AutoencoderKl loadAutoencoderKl(const std::string& folder, c10::ScalarType dtype);

}  // namespace sds::models
