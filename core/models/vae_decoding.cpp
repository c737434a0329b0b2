#include "models/vae_decoding.h"

#include <torch/torch.h>

#include <vector>

#include "models/autoencoder_kl.h"

namespace sds::models {

namespace {

// b's first `extent` rows (dim 2) or columns (dim 3) fade in from a's last ones, in place.
void blend(const at::Tensor& a, at::Tensor& b, int64_t dim, int64_t extent) {
  extent = std::min({a.size(dim), b.size(dim), extent});
  for (int64_t k = 0; k < extent; ++k) {
    const double weight = static_cast<double>(k) / static_cast<double>(extent);
    b.select(dim, k).copy_(a.select(dim, a.size(dim) - extent + k) * (1 - weight) + b.select(dim, k) * weight);
  }
}

}  // namespace

std::optional<VaeTiling> vaeTilingNamed(const std::string& name) {
  if (name == "auto") return VaeTiling::Auto;
  if (name == "on") return VaeTiling::On;
  if (name == "off") return VaeTiling::Off;
  return std::nullopt;
}

at::Tensor decodeInTiles(const at::Tensor& latent, int64_t tileLatent, int64_t scale,
                         const std::function<at::Tensor(const at::Tensor&)>& decodeTile) {
  const int64_t stride = tileLatent * 3 / 4;
  const int64_t tilePixels = tileLatent * scale;
  const int64_t blendPixels = tilePixels / 4;
  const int64_t keepPixels = tilePixels - blendPixels;
  std::vector<std::vector<at::Tensor>> tiles;
  for (int64_t i = 0; i < latent.size(2); i += stride) {
    std::vector<at::Tensor>& row = tiles.emplace_back();
    for (int64_t j = 0; j < latent.size(3); j += stride)
      row.push_back(decodeTile(latent.slice(2, i, i + tileLatent).slice(3, j, j + tileLatent)));
  }
  std::vector<at::Tensor> rows;
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    std::vector<at::Tensor> kept;
    for (std::size_t j = 0; j < tiles[i].size(); ++j) {
      at::Tensor& tile = tiles[i][j];
      if (i > 0) blend(tiles[i - 1][j], tile, 2, blendPixels);
      if (j > 0) blend(tiles[i][j - 1], tile, 3, blendPixels);
      kept.push_back(tile.slice(2, 0, keepPixels).slice(3, 0, keepPixels));
    }
    rows.push_back(torch::cat(kept, 3));
  }
  return torch::cat(rows, 2);
}

at::Tensor decodeLatents(AutoencoderKlImpl& vae, const at::Tensor& latents, VaeTiling tiling) {
  const int64_t scale = vae.config.scaleFactor();
  const int64_t tileLatent = vae.config.sampleSize / scale;
  const int64_t largest = std::max(latents.size(2), latents.size(3));
  const bool tiled = tileLatent >= 4 && ((tiling == VaeTiling::On && largest > tileLatent) ||
                                         (tiling == VaeTiling::Auto && largest > 2 * tileLatent));
  std::vector<at::Tensor> images;
  for (const at::Tensor& one : latents.split(1)) {
    images.push_back(tiled ? decodeInTiles(one, tileLatent, scale, [&](const at::Tensor& t) { return vae.decode(t); })
                           : vae.decode(one));
  }
  return images.size() == 1 ? images[0] : torch::cat(images);
}

}  // namespace sds::models
