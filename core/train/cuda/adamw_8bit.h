#pragma once
// One 8-bit AdamW update of one parameter in a single CUDA kernel: decode both moments, update them
// and the weight, re-quantize the moments, write the weight (and its lower-precision copy). The
// per-tensor ATen path in train/adamw.cpp takes about thirty kernels per parameter and is the
// reference this kernel is checked against (tests/gpu/kernel_checks.cpp). Compiled only when
// LibTorch has CUDA (SDS_FUSED_ADAMW_8BIT).

#include <ATen/core/Tensor.h>

namespace sds::train::cuda {

struct EightBitUpdate {
  at::Tensor parameter;  // the model's tensor, contiguous: float32, or bf16/fp16 with a master
  at::Tensor master;     // float32 copy of a lower-precision parameter, or undefined
  at::Tensor grad;       // the parameter's dtype, contiguous
  at::Tensor mCodes, mScales, vCodes, vScales;  // int8 / uint8 codes in blocks of kBlock, float32 scales
  double lr = 0, beta1 = 0, beta2 = 0, epsilon = 0, weightDecay = 0;
  double bias1 = 1, bias2Sqrt = 1;  // 1 - beta1^t and sqrt(1 - beta2^t)
};

// Whether the kernel takes these tensors (CUDA, contiguous, supported dtypes).
bool canUpdate(const EightBitUpdate& update);
void update(const EightBitUpdate& update);

}  // namespace sds::train::cuda
