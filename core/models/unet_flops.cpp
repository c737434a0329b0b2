#include "models/unet_flops.h"

#include <algorithm>

namespace sds::models {
namespace {

constexpr double kTimeEmbedding = 4;  // the time embedding is 4 × the first block's channels

// Counts for one image; the caller multiplies by the batch.
struct Counter {
  const UNetConfig& c;
  std::int64_t tokens;
  double flops = 0;

  void conv(double in, double out, double kernel, double pixels) { flops += 2 * in * out * kernel * kernel * pixels; }
  void linear(double in, double out, double rows) { flops += 2 * in * out * rows; }

  void resnet(double in, double out, double pixels) {
    conv(in, out, 3, pixels);
    linear(kTimeEmbedding * double(c.blockOutChannels[0]), out, 1);
    conv(out, out, 3, pixels);
    if (in != out) conv(in, out, 1, pixels);
  }

  // A Transformer2DModel of `depth` BasicTransformerBlocks over `pixels` tokens of `channels`.
  void transformer(double channels, double pixels, double crossDim, std::int64_t depth) {
    linear(channels, channels, pixels);  // proj_in (1×1 conv or linear: the same work)
    for (std::int64_t d = 0; d < depth; ++d) {
      // Self-attention: q, k, v, out projections; scores and weighted values over all heads.
      linear(channels, channels, 4 * pixels);
      flops += 2 * 2 * pixels * pixels * channels;
      // Cross-attention: q and out over the image, k and v over the text.
      linear(channels, channels, 2 * pixels);
      linear(crossDim, channels, 2 * double(tokens));
      flops += 2 * 2 * pixels * double(tokens) * channels;
      // GEGLU feed-forward: C → 2 × 4C, then 4C → C.
      linear(channels, 8 * channels, pixels);
      linear(4 * channels, channels, pixels);
    }
    linear(channels, channels, pixels);  // proj_out
  }
};

bool hasAttention(const std::string& blockType) { return blockType.find("CrossAttn") != std::string::npos; }

}  // namespace

double unetForwardFlops(const UNetConfig& c, std::int64_t batch, std::int64_t latentHeight, std::int64_t latentWidth,
                        std::int64_t textTokens) {
  Counter n{c, textTokens};
  const std::size_t blocks = c.blockOutChannels.size();
  const double temb = kTimeEmbedding * double(c.blockOutChannels[0]);
  double pixels = double(latentHeight * latentWidth);

  n.conv(double(c.inChannels), double(c.blockOutChannels[0]), 3, pixels);
  n.linear(double(c.blockOutChannels[0]), temb, 1);
  n.linear(temb, temb, 1);
  if (c.additionEmbedType == "text_time") {
    n.linear(double(c.projectionClassEmbeddingsInputDim), temb, 1);
    n.linear(temb, temb, 1);
  }

  // Down path.
  std::vector<double> levelPixels;
  double channels = double(c.blockOutChannels[0]);
  for (std::size_t i = 0; i < blocks; ++i) {
    const double out = double(c.blockOutChannels[i]);
    levelPixels.push_back(pixels);
    for (std::int64_t layer = 0; layer < c.layersPerBlock; ++layer) {
      n.resnet(layer == 0 ? channels : out, out, pixels);
      if (hasAttention(c.downBlockTypes[i]))
        n.transformer(out, pixels, double(UNetConfig::perBlock(c.crossAttentionDim, i)),
                      UNetConfig::perBlock(c.transformerLayersPerBlock, i));
    }
    channels = out;
    if (i + 1 < blocks) {
      pixels /= 4;
      n.conv(out, out, 3, pixels);  // the stride-2 downsampler, at its output size
    }
  }

  // Middle.
  n.resnet(channels, channels, pixels);
  if (!c.midBlockType.empty() && hasAttention(c.midBlockType))
    n.transformer(channels, pixels, double(UNetConfig::perBlock(c.crossAttentionDim, blocks - 1)),
                  UNetConfig::perBlock(c.transformerLayersPerBlock, blocks - 1));
  n.resnet(channels, channels, pixels);

  // Up path: each block takes the skip connections of its level, as diffusers builds it.
  std::vector<std::int64_t> reversed(c.blockOutChannels.rbegin(), c.blockOutChannels.rend());
  double previous = double(reversed[0]);
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::size_t level = blocks - 1 - i;
    const double out = double(reversed[i]);
    const double in = double(reversed[std::min(i + 1, blocks - 1)]);
    pixels = levelPixels[level];
    const std::int64_t depth = c.reverseTransformerLayersPerBlock.empty()
                                   ? UNetConfig::perBlock(c.transformerLayersPerBlock, level)
                                   : c.reverseTransformerLayersPerBlock.at(i);
    for (std::int64_t layer = 0; layer <= c.layersPerBlock; ++layer) {
      const double skip = layer == c.layersPerBlock ? in : out;
      n.resnet((layer == 0 ? previous : out) + skip, out, pixels);
      if (hasAttention(c.upBlockTypes[i]))
        n.transformer(out, pixels, double(UNetConfig::perBlock(c.crossAttentionDim, level)), depth);
    }
    previous = out;
    if (i + 1 < blocks) n.conv(out, out, 3, levelPixels[level - 1]);  // upsampler, at the larger size
  }
  n.conv(double(c.blockOutChannels[0]), double(c.outChannels), 3, double(latentHeight * latentWidth));
  return n.flops * double(batch);
}

}  // namespace sds::models
