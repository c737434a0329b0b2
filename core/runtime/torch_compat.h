#pragma once
// Differences between the LibTorch versions SD Studio builds against (Debian's 1.13 on CPU machines,
// 2.x on GPU machines) live here and nowhere else.

#include <torch/version.h>

#define SDS_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

// at::scaled_dot_product_attention exists from LibTorch 2.0; before that, attention is computed
// with an explicit softmax.
#define SDS_HAVE_SDPA SDS_TORCH_AT_LEAST(2, 0)

// at::_scaled_dot_product_cudnn_attention with an optional bias and compute_log_sumexp: LibTorch 2.5.
#define SDS_HAVE_CUDNN_SDPA SDS_TORCH_AT_LEAST(2, 5)
