#include "models/unet_blocks.h"

#include <torch/torch.h>

#include "models/blocks/resnet.h"
#include "models/blocks/sampling.h"
#include "models/gradient_checkpointing.h"

namespace sds::models {
namespace {

ResnetBlock2D resnet(const UNetBlockOptions& o, int64_t in, int64_t out) {
  return ResnetBlock2D(in, out, o.tembChannels, o.groups, o.groups, o.eps, o.resnetOutScale);
}

Transformer2D transformer(const UNetBlockOptions& o, int64_t channels) {
  Transformer2DOptions t = o.attention;
  t.channels = channels;
  return Transformer2D(t);
}

// Each resnet and each transformer is one checkpointed piece, as diffusers checkpoints them.
at::Tensor runResnet(torch::nn::ModuleList& list, std::size_t i, const at::Tensor& x, const at::Tensor& temb,
                     bool checkpointed) {
  auto* block = list[i]->as<ResnetBlock2DImpl>();
  if (!checkpointed) return block->forward(x, temb);
  return gradientCheckpoint([block](const std::vector<at::Tensor>& in) { return block->forward(in[0], in[1]); }, {x, temb});
}

at::Tensor runAttention(torch::nn::ModuleList& list, std::size_t i, const at::Tensor& x, const at::Tensor& ctx,
                        bool checkpointed) {
  auto* block = list[i]->as<Transformer2DImpl>();
  if (!checkpointed) return block->forward(x, ctx);
  return gradientCheckpoint([block](const std::vector<at::Tensor>& in) { return block->forward(in[0], in[1]); }, {x, ctx});
}

}  // namespace

DownBlockImpl::DownBlockImpl(const UNetBlockOptions& o) {
  for (int64_t i = 0; i < o.layers; ++i) {
    resnets->push_back(resnet(o, i == 0 ? o.inChannels : o.outChannels, o.outChannels));
    if (o.withAttention) attentions->push_back(transformer(o, o.outChannels));
  }
  if (o.resample) downsamplers->push_back(Downsample2D(o.outChannels, o.outChannels, o.downsamplePadding));
  register_module("resnets", resnets);
  if (o.withAttention) register_module("attentions", attentions);
  if (o.resample) register_module("downsamplers", downsamplers);
}

at::Tensor DownBlockImpl::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context,
                                  std::vector<at::Tensor>& skips) {
  for (std::size_t i = 0; i < resnets->size(); ++i) {
    x = runResnet(resnets, i, x, temb, checkpointing.resnet(i));
    if (!attentions->is_empty()) x = runAttention(attentions, i, x, context, checkpointing.attention(i));
    skips.push_back(x);
  }
  if (!downsamplers->is_empty()) {
    x = downsamplers[0]->as<Downsample2DImpl>()->forward(x);
    skips.push_back(x);
  }
  return x;
}

MidBlockImpl::MidBlockImpl(const UNetBlockOptions& o) {
  resnets->push_back(resnet(o, o.inChannels, o.inChannels));
  for (int64_t i = 0; i < o.layers; ++i) {
    attentions->push_back(transformer(o, o.inChannels));
    resnets->push_back(resnet(o, o.inChannels, o.inChannels));
  }
  register_module("attentions", attentions);
  register_module("resnets", resnets);
}

at::Tensor MidBlockImpl::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context) {
  x = runResnet(resnets, 0, x, temb, checkpointing.resnet(0));
  for (std::size_t i = 0; i < attentions->size(); ++i) {
    x = runAttention(attentions, i, x, context, checkpointing.attention(i));
    x = runResnet(resnets, i + 1, x, temb, checkpointing.resnet(i + 1));
  }
  return x;
}

UpBlockImpl::UpBlockImpl(const UNetBlockOptions& o) {
  for (int64_t i = 0; i < o.layers; ++i) {
    // Each resnet takes the running state plus one skip state: the last skip of this level comes
    // from the block input's width.
    const int64_t skip = (i == o.layers - 1) ? o.inChannels : o.outChannels;
    const int64_t running = (i == 0) ? o.prevOutputChannels : o.outChannels;
    resnets->push_back(resnet(o, running + skip, o.outChannels));
    if (o.withAttention) attentions->push_back(transformer(o, o.outChannels));
  }
  if (o.resample) upsamplers->push_back(Upsample2D(o.outChannels, o.outChannels));
  register_module("resnets", resnets);
  if (o.withAttention) register_module("attentions", attentions);
  if (o.resample) register_module("upsamplers", upsamplers);
}

at::Tensor UpBlockImpl::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context,
                                std::vector<at::Tensor>& skips, const std::vector<int64_t>& upsampleSize) {
  for (std::size_t i = 0; i < resnets->size(); ++i) {
    x = torch::cat({x, skips.back()}, 1);
    skips.pop_back();
    x = runResnet(resnets, i, x, temb, checkpointing.resnet(i));
    if (!attentions->is_empty()) x = runAttention(attentions, i, x, context, checkpointing.attention(i));
  }
  if (!upsamplers->is_empty()) x = upsamplers[0]->as<Upsample2DImpl>()->forward(x, upsampleSize);
  return x;
}

}  // namespace sds::models
