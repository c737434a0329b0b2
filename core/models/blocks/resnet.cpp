#include "models/blocks/resnet.h"
#include "models/blocks/group_norm.h"
#include "models/blocks/layers.h"

#include <torch/torch.h>

namespace sds::models {

ResnetBlock2DImpl::ResnetBlock2DImpl(int64_t inChannels, int64_t outChannels, int64_t tembChannels, int64_t groups,
                                     int64_t groupsOut, double eps, double outputScaleFactor, double dropout)
    : outputScaleFactor(outputScaleFactor), dropout(dropout) {
  if (groupsOut <= 0) groupsOut = groups;
  auto conv3 = [](int64_t in, int64_t out) {
    return makeConv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
  };
  norm1 = register_module("norm1", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, inChannels).eps(eps)));
  conv1 = register_module("conv1", conv3(inChannels, outChannels));
  if (tembChannels > 0) time_emb_proj = register_module("time_emb_proj", makeLinear(tembChannels, outChannels));
  norm2 = register_module("norm2", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groupsOut, outChannels).eps(eps)));
  conv2 = register_module("conv2", conv3(outChannels, outChannels));
  if (inChannels != outChannels)
    conv_shortcut =
        register_module("conv_shortcut", makeConv2d(torch::nn::Conv2dOptions(inChannels, outChannels, 1)));
}

at::Tensor ResnetBlock2DImpl::forward(const at::Tensor& x, const at::Tensor& temb) {
  at::Tensor h = conv1(groupNorm(*norm1, x, true));
  if (time_emb_proj && temb.defined()) h = h + time_emb_proj(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
  h = groupNorm(*norm2, h, true);
  if (dropout > 0.0) h = torch::dropout(h, dropout, is_training());
  h = conv2(h);
  const at::Tensor shortcut = conv_shortcut ? conv_shortcut(x) : x;
  at::Tensor out = shortcut + h;
  return outputScaleFactor == 1.0 ? out : out / outputScaleFactor;
}

}  // namespace sds::models
