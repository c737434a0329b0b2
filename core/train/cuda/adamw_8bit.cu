#include "train/cuda/adamw_8bit.h"

#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cstdint>

namespace sds::train::cuda {
namespace {

// Must equal QuantizedMoment::kBlock: one CUDA block per quantization block.
constexpr int kBlock = 2048;
constexpr int kThreads = 256;
constexpr int kPerThread = kBlock / kThreads;

// Fourth-power companding, as QuantizedMoment::decode / encode: code k stands for (k/top)^4 of the
// block's absolute maximum, and a value x becomes round((|x| / max)^(1/4) · top) with x's sign.
__device__ float decodeCode(float code, float top, float scale) {
  const float c = fabsf(code) / top;
  const float magnitude = (c * c) * (c * c) * scale;
  return code < 0 ? -magnitude : magnitude;
}

__device__ float encodeCode(float x, float top, float scale) {
  const float k = rintf(powf(fabsf(x) / fmaxf(scale, 1e-30f), 0.25f) * top);
  return x < 0 ? -k : k;
}

// The block's maximum of `value` over all its threads.
__device__ float blockMax(float value, float* shared) {
  for (int offset = 16; offset > 0; offset /= 2) value = fmaxf(value, __shfl_xor_sync(0xffffffffu, value, offset));
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) shared[warp] = value;
  __syncthreads();
  if (warp == 0) {
    value = lane < kThreads / 32 ? shared[lane] : 0.f;
    for (int offset = 16; offset > 0; offset /= 2) value = fmaxf(value, __shfl_xor_sync(0xffffffffu, value, offset));
    if (lane == 0) shared[0] = value;
  }
  __syncthreads();
  const float result = shared[0];
  __syncthreads();
  return result;
}

struct Hyper {
  float lr, beta1, beta2, epsilon, decay, stepScale, bias2Sqrt;
};

template <typename T>
__global__ void adamw8bitKernel(T* parameter, float* master, const T* grad, int8_t* mCodes, float* mScales,
                                uint8_t* vCodes, float* vScales, int64_t numel, Hyper h) {
  __shared__ float shared[kThreads / 32];
  const int64_t base = int64_t(blockIdx.x) * kBlock;
  float m[kPerThread], v[kPerThread];
  float mMax = 0.f, vMax = 0.f;
  const float mScale = mScales[blockIdx.x], vScale = vScales[blockIdx.x];
#pragma unroll
  for (int j = 0; j < kPerThread; ++j) {
    const int64_t i = base + threadIdx.x + j * kThreads;
    m[j] = 0.f, v[j] = 0.f;
    if (i >= numel) continue;  // padding: codes stay 0
    const float g = static_cast<float>(grad[i]);
    float mi = decodeCode(float(mCodes[i]), 127.f, mScale);
    float vi = decodeCode(float(vCodes[i]), 255.f, vScale);
    float p = master ? master[i] : static_cast<float>(parameter[i]);
    p *= 1.f - h.lr * h.decay;
    mi += h.beta1 * (g - mi);  // lerp towards g by 1 - beta1 (h.beta1 holds 1 - beta1)
    vi = vi * h.beta2 + (1.f - h.beta2) * g * g;
    const float denom = sqrtf(vi) / h.bias2Sqrt + h.epsilon;
    p += h.stepScale * (mi / denom);
    if (master) master[i] = p;
    parameter[i] = static_cast<T>(p);
    m[j] = mi, v[j] = vi;
    mMax = fmaxf(mMax, fabsf(mi)), vMax = fmaxf(vMax, fabsf(vi));
  }
  mMax = blockMax(mMax, shared);
  vMax = blockMax(vMax, shared);
  if (threadIdx.x == 0) mScales[blockIdx.x] = mMax, vScales[blockIdx.x] = vMax;
#pragma unroll
  for (int j = 0; j < kPerThread; ++j) {
    const int64_t i = base + threadIdx.x + j * kThreads;
    if (i >= numel) continue;
    mCodes[i] = static_cast<int8_t>(encodeCode(m[j], 127.f, mMax));
    vCodes[i] = static_cast<uint8_t>(encodeCode(v[j], 255.f, vMax));
  }
}

}  // namespace

bool canUpdate(const EightBitUpdate& u) {
  const auto type = u.parameter.scalar_type();
  const bool wide = type == at::kFloat;
  const bool low = type == at::kBFloat16 || type == at::kHalf;
  if (!u.parameter.is_cuda() || !u.parameter.is_contiguous() || !u.grad.is_contiguous() || u.grad.scalar_type() != type)
    return false;
  if (low != u.master.defined() || !(wide || low)) return false;
  if (u.master.defined() && (!u.master.is_contiguous() || u.master.scalar_type() != at::kFloat)) return false;
  return u.mCodes.numel() >= u.parameter.numel() && u.mCodes.numel() % kBlock == 0;
}

void update(const EightBitUpdate& u) {
  const c10::cuda::CUDAGuard guard(u.parameter.device());
  const int64_t numel = u.parameter.numel();
  if (numel == 0) return;
  const auto blocks = static_cast<unsigned>((numel + kBlock - 1) / kBlock);
  Hyper h;
  h.lr = float(u.lr);
  h.beta1 = float(1.0 - u.beta1);
  h.beta2 = float(u.beta2);
  h.epsilon = float(u.epsilon);
  h.decay = float(u.weightDecay);
  h.stepScale = float(-u.lr / u.bias1);
  h.bias2Sqrt = float(u.bias2Sqrt);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  float* master = u.master.defined() ? u.master.data_ptr<float>() : nullptr;
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, u.parameter.scalar_type(), "adamw8bit", [&] {
    adamw8bitKernel<scalar_t><<<blocks, kThreads, 0, stream>>>(
        u.parameter.data_ptr<scalar_t>(), master, u.grad.data_ptr<scalar_t>(), u.mCodes.data_ptr<int8_t>(),
        u.mScales.data_ptr<float>(), u.vCodes.data_ptr<uint8_t>(), u.vScales.data_ptr<float>(), numel, h);
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

}  // namespace sds::train::cuda
