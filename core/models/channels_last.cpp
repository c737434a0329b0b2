#include "models/channels_last.h"

#include <torch/torch.h>

namespace sds::models {

void toChannelsLast(torch::nn::Module& module) {
  torch::NoGradGuard noGrad;
  for (at::Tensor& p : module.parameters())
    if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
}

}  // namespace sds::models
