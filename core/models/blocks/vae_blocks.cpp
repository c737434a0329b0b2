#include "models/blocks/vae_blocks.h"

#include <torch/torch.h>

#include "models/blocks/resnet.h"
#include "models/blocks/sampling.h"
#include "models/blocks/vae_attention.h"

namespace sds::models {
namespace {

constexpr double kEps = 1e-6;  // diffusers' Encoder and Decoder pass resnet_eps=1e-6 to every block

ResnetBlock2D resnet(int64_t in, int64_t out, int64_t groups) {
  return ResnetBlock2D(in, out, /*tembChannels=*/0, groups, groups, kEps, /*outputScaleFactor=*/1.0);
}

at::Tensor runResnets(const torch::nn::ModuleList& list, at::Tensor x) {
  for (const auto& module : *list) x = module->as<ResnetBlock2DImpl>()->forward(x);
  return x;
}

}  // namespace

DownEncoderBlock2DImpl::DownEncoderBlock2DImpl(int64_t inChannels, int64_t outChannels, int64_t layers,
                                               int64_t groups, bool downsample) {
  for (int64_t i = 0; i < layers; ++i)
    resnets->push_back(resnet(i == 0 ? inChannels : outChannels, outChannels, groups));
  register_module("resnets", resnets);
  if (downsample) {
    downsamplers->push_back(Downsample2D(outChannels, outChannels, /*padding=*/0));
    register_module("downsamplers", downsamplers);
  }
}

at::Tensor DownEncoderBlock2DImpl::forward(at::Tensor x) {
  x = runResnets(resnets, x);
  if (!downsamplers->is_empty()) x = downsamplers[0]->as<Downsample2DImpl>()->forward(x);
  return x;
}

UpDecoderBlock2DImpl::UpDecoderBlock2DImpl(int64_t inChannels, int64_t outChannels, int64_t layers, int64_t groups,
                                           bool upsample) {
  for (int64_t i = 0; i < layers; ++i)
    resnets->push_back(resnet(i == 0 ? inChannels : outChannels, outChannels, groups));
  register_module("resnets", resnets);
  if (upsample) {
    upsamplers->push_back(Upsample2D(outChannels, outChannels));
    register_module("upsamplers", upsamplers);
  }
}

at::Tensor UpDecoderBlock2DImpl::forward(at::Tensor x) {
  x = runResnets(resnets, x);
  if (!upsamplers->is_empty()) x = upsamplers[0]->as<Upsample2DImpl>()->forward(x);
  return x;
}

VaeMidBlockImpl::VaeMidBlockImpl(int64_t channels, int64_t groups, bool withAttention) {
  resnets->push_back(resnet(channels, channels, groups));
  resnets->push_back(resnet(channels, channels, groups));
  register_module("resnets", resnets);
  if (withAttention) {
    // attention_head_dim = channels: a single head.
    attentions->push_back(VaeAttention(channels, /*heads=*/1, groups, kEps));
    register_module("attentions", attentions);
  }
}

at::Tensor VaeMidBlockImpl::forward(at::Tensor x) {
  x = resnets[0]->as<ResnetBlock2DImpl>()->forward(x);
  if (!attentions->is_empty()) x = attentions[0]->as<VaeAttentionImpl>()->forward(x);
  return resnets[1]->as<ResnetBlock2DImpl>()->forward(x);
}

}  // namespace sds::models
