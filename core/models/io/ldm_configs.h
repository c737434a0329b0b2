#pragma once
// Configs of the components of an original-layout (LDM) checkpoint, derived from its key names and
// tensor shapes, as diffusers' single-file loading does. What shapes cannot tell (attention heads) follows
// the rule of the model family: SD 1.x UNets have 8 heads, everything else heads of 64 channels.

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

#include "diffusion/scheduler_config.h"
#include "models/autoencoder_kl.h"
#include "models/clip_text_model.h"
#include "models/stable_diffusion.h"
#include "models/unet_2d_condition.h"

namespace sds::models::ldm {

using Tensors = std::map<std::string, at::Tensor>;

// Whether some tensor's name starts with `prefix`.
bool hasPrefix(const Tensors& all, const std::string& prefix);

// The tensors whose names start with `prefix`, with the prefix removed.
Tensors withPrefix(const Tensors& all, const std::string& prefix);

// SD 1.x, SD 2.x or SDXL from the text encoders' keys (or, for a UNet-only file, its cross-attention
// width). Throws io::ConfigError naming the file when it is no Stable Diffusion checkpoint SD Studio reads.
ModelFamily detectFamily(const Tensors& all, const std::string& path);

// Each throws io::ConfigError naming the file and the key whose shape does not fit.
// `unet`/`vae`/`text` hold the component's tensors without its prefix.
UNetConfig unetConfig(const Tensors& unet, ModelFamily family, int64_t pooledTextDim, const std::string& path);
AutoencoderKlConfig vaeConfig(const Tensors& vae, ModelFamily family, const std::string& path);
ClipTextConfig clipConfig(const Tensors& text, const std::string& path);  // transformers naming
// OpenCLIP naming. dropLastLayer: the file holds a block the diffusers model does not keep (original
// SD 2.x files: the last one, whose output SD 2.x never uses); withProjection: SDXL's second encoder.
ClipTextConfig openClipConfig(const Tensors& text, bool dropLastLayer, bool withProjection, const std::string& path);

// diffusers' standard scheduler of the family, for files that carry none: SD 2.x and files marked
// "v_pred" predict v, ModelSpec metadata says it outright, "ztsnr" marks zero-terminal-SNR training.
diffusion::SchedulerConfig standardScheduler(ModelFamily family, const Tensors& all,
                                             const std::map<std::string, std::string>& metadata);

}  // namespace sds::models::ldm
