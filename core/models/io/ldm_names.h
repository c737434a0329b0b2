#pragma once
// Parameter names of the original Stable Diffusion (LDM) layout for the diffusers names SD Studio's
// modules use. This is the one place that knows both namings: loading a single-file checkpoint reads
// it one way, writing one reads it the other.

#include <string>

#include "models/autoencoder_kl.h"
#include "models/unet_2d_condition.h"

namespace sds::models::ldm {

// Prefixes of the components inside a single-file checkpoint.
inline constexpr const char* kUNetPrefix = "model.diffusion_model.";
inline constexpr const char* kVaePrefix = "first_stage_model.";
inline constexpr const char* kSd1TextPrefix = "cond_stage_model.transformer.";       // transformers CLIP
inline constexpr const char* kSd2TextPrefix = "cond_stage_model.model.";             // OpenCLIP
inline constexpr const char* kSdxlText1Prefix = "conditioner.embedders.0.transformer.";  // transformers CLIP
inline constexpr const char* kSdxlText2Prefix = "conditioner.embedders.1.model.";    // OpenCLIP

// "down_blocks.1.attentions.0.proj_in.weight" → "input_blocks.4.1.proj_in.weight" (without the UNet
// prefix). Throws std::invalid_argument for a name that is not a parameter of such a UNet.
std::string unetName(const std::string& diffusersName, const UNetConfig& config);

// "decoder.up_blocks.0.resnets.1.conv1.weight" → "decoder.up.3.block.1.conv1.weight" (without the VAE
// prefix). The LDM layout stores the mid-block attention's projections as 1×1 convolutions.
std::string vaeName(const std::string& diffusersName, const AutoencoderKlConfig& config);

// Where a transformers CLIP text-encoder parameter (without "text_model.") lives in an OpenCLIP text
// tower (SD 2.x, SDXL's second encoder): q/k/v projections are thirds of one in_proj matrix, and the
// projection is stored transposed (OpenCLIP multiplies x @ text_projection).
struct OpenClipLocation {
  std::string name;        // "transformer.resblocks.3.attn.in_proj_weight"
  int part = -1;           // 0, 1, 2: the q, k or v third of `name` along its first axis; -1: all of it
  bool transposed = false;
};
OpenClipLocation openClipName(const std::string& transformersName);

}  // namespace sds::models::ldm
