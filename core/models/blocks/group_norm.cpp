#include "models/blocks/group_norm.h"

#include <torch/torch.h>

#include "models/fused_kernels.h"

#ifdef SDS_FUSED_GROUP_NORM
#include "models/cuda/group_norm_nhwc.h"
#endif

namespace sds::models {
namespace {

bool useFusedGroupNorm = true;

#ifdef SDS_FUSED_GROUP_NORM
// Saves only the input and the per-group statistics: the normalised values are recomputed in the
// backward pass, where torch's path keeps both the norm's input and the SiLU's.
struct FusedGroupNorm : torch::autograd::Function<FusedGroupNorm> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                                                const at::Tensor& weight, const at::Tensor& bias, int64_t groups,
                                                double eps, bool silu) {
    cuda::GroupNormNhwcForward r = cuda::groupNormNhwcForward(x, weight, bias, groups, eps, silu);
    ctx->save_for_backward({x, weight, bias, r.mean, r.rstd});
    ctx->saved_data["groups"] = groups;
    ctx->saved_data["silu"] = silu;
    return {r.out};
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list gradOutputs) {
    const auto saved = ctx->get_saved_variables();
    cuda::GroupNormNhwcGradients g =
        cuda::groupNormNhwcBackward(gradOutputs[0], saved[0], saved[1], saved[2], saved[3], saved[4],
                                    ctx->saved_data["groups"].toInt(), ctx->saved_data["silu"].toBool());
    return {g.input, g.weight, g.bias, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};
#endif

}  // namespace

void setFusedGroupNorm(bool fused) { useFusedGroupNorm = fused; }

at::Tensor groupNorm(torch::nn::GroupNormImpl& norm, const at::Tensor& x, bool thenSilu) {
#ifdef SDS_FUSED_GROUP_NORM
  const int64_t groups = norm.options.num_groups();
  if (useFusedGroupNorm && norm.options.affine() && cuda::canGroupNormNhwc(x, groups))
    return FusedGroupNorm::apply(x, norm.weight, norm.bias, groups, norm.options.eps(), thenSilu)[0];
#endif
  const at::Tensor y = norm.forward(x);
  return thenSilu ? torch::silu(y) : y;
}

}  // namespace sds::models
