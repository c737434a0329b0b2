#pragma once
// Decoding latents with bounded memory: one image of the batch at a time (the same result as the
// whole batch at once), and for large images in overlapping tiles of the VAE's own sample size,
// blended linearly where they overlap, as diffusers' tiled_decode. The decoder's memory grows with
// the pixels it decodes at once; tiles keep a 2048 px SDXL image within what a 1024 px one needs.

#include <ATen/core/Tensor.h>

#include <functional>
#include <optional>
#include <string>

namespace sds::models {

struct AutoencoderKlImpl;

// Auto tiles images with a side above twice the VAE's sample size (1024 px for SD 1.x/2.x, 2048 px
// for SDXL); On tiles whatever is larger than one tile; Off never tiles.
enum class VaeTiling { Auto, On, Off };
std::optional<VaeTiling> vaeTilingNamed(const std::string& name);  // "auto", "on", "off"

// Latents [B, C, h, w] (already divided by the scaling factor) to images [B, 3, h·f, w·f].
at::Tensor decodeLatents(AutoencoderKlImpl& vae, const at::Tensor& latents, VaeTiling tiling = VaeTiling::Auto);

// The tiling itself, for any decoder of one latent tile [1, C, th, tw] to [1, 3, th·scale, tw·scale]:
// tiles of `tileLatent` latents a side, `tileLatent`·3/4 apart; each tile's first quarter of pixels
// blended with the tile above and the one to the left.
at::Tensor decodeInTiles(const at::Tensor& latent, int64_t tileLatent, int64_t scale,
                         const std::function<at::Tensor(const at::Tensor&)>& decodeTile);

}  // namespace sds::models
