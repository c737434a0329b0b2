#include "models/cuda/geglu.h"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace sds::models::cuda {
namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ float gelu(float b) { return 0.5f * b * (1.f + erff(b * 0.70710678118654752f)); }

// d gelu(b) / db = Φ(b) + b·φ(b)
__device__ __forceinline__ float geluDerivative(float b) {
  const float cdf = 0.5f * (1.f + erff(b * 0.70710678118654752f));
  const float pdf = 0.39894228040143268f * expf(-0.5f * b * b);
  return cdf + b * pdf;
}

// One thread per output element; rows of 2·half inputs, `half` outputs.
template <typename T>
__global__ void forwardKernel(const T* __restrict__ in, T* __restrict__ out, std::int64_t rows, std::int64_t half) {
  const std::int64_t total = rows * half;
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t row = i / half, col = i - row * half;
    const T* r = in + row * 2 * half;
    out[i] = static_cast<T>(static_cast<float>(r[col]) * gelu(static_cast<float>(r[half + col])));
  }
}

template <typename T>
__global__ void backwardKernel(const T* __restrict__ gradOut, const T* __restrict__ in, T* __restrict__ gradIn,
                               std::int64_t rows, std::int64_t half) {
  const std::int64_t total = rows * half;
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t row = i / half, col = i - row * half;
    const std::int64_t at = row * 2 * half + col;
    const float g = static_cast<float>(gradOut[i]);
    const float a = static_cast<float>(in[at]), b = static_cast<float>(in[at + half]);
    gradIn[at] = static_cast<T>(g * gelu(b));
    gradIn[at + half] = static_cast<T>(g * a * geluDerivative(b));
  }
}

int blocksFor(std::int64_t elements) {
  // Enough blocks to fill the GPU several times over; the loops stride over the rest.
  return static_cast<int>(std::min<std::int64_t>((elements + kThreads - 1) / kThreads, 65535));
}

}  // namespace

bool canFuseGeglu(const at::Tensor& projected) {
  const auto type = projected.scalar_type();
  return projected.is_cuda() && projected.dim() >= 1 && projected.is_contiguous() && projected.size(-1) % 2 == 0 &&
         (type == at::kFloat || type == at::kBFloat16 || type == at::kHalf);
}

at::Tensor gegluForward(const at::Tensor& projected) {
  TORCH_CHECK(canFuseGeglu(projected), "gegluForward: a contiguous CUDA tensor of float32, bf16 or fp16 with an even last dimension");
  const c10::cuda::CUDAGuard guard(projected.device());
  const std::int64_t half = projected.size(-1) / 2, rows = projected.numel() / std::max<std::int64_t>(2 * half, 1);
  std::vector<std::int64_t> shape = projected.sizes().vec();
  shape.back() = half;
  at::Tensor out = at::empty(shape, projected.options());
  if (out.numel() == 0) return out;
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, projected.scalar_type(), "geglu_forward", [&] {
    forwardKernel<scalar_t><<<blocksFor(out.numel()), kThreads, 0, stream>>>(
        projected.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), rows, half);
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return out;
}

at::Tensor gegluBackward(const at::Tensor& gradOut, const at::Tensor& projected) {
  TORCH_CHECK(canFuseGeglu(projected), "gegluBackward: a contiguous CUDA tensor of float32, bf16 or fp16 with an even last dimension");
  const c10::cuda::CUDAGuard guard(projected.device());
  const at::Tensor g = gradOut.to(projected.scalar_type()).contiguous();
  const std::int64_t half = projected.size(-1) / 2, rows = projected.numel() / std::max<std::int64_t>(2 * half, 1);
  TORCH_CHECK(g.numel() == rows * half, "gegluBackward: the output gradient does not match the projection");
  at::Tensor gradIn = at::empty_like(projected);
  if (g.numel() == 0) return gradIn;
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, projected.scalar_type(), "geglu_backward", [&] {
    backwardKernel<scalar_t><<<blocksFor(g.numel()), kThreads, 0, stream>>>(
        g.data_ptr<scalar_t>(), projected.data_ptr<scalar_t>(), gradIn.data_ptr<scalar_t>(), rows, half);
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return gradIn;
}

}  // namespace sds::models::cuda
