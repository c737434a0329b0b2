#include "models/cuda/group_norm_nhwc.h"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <cstdint>

// Layout: element (n, c, p) of N × C × P pixels sits at (n·P + p)·C + c. The reductions run over
// tiles of pixels: a block covers 32 neighbouring channels (a warp reads 32 consecutive values of a
// pixel) of one tile of one sample, its 8 rows of threads take every 8th pixel of the tile. Each
// block writes one partial result per channel; small second passes combine the tiles.

namespace sds::models::cuda {
namespace {

constexpr int kLanes = 32;  // channels per block
constexpr int kRows = 8;    // threads per channel
constexpr std::int64_t kTilePixels = 128;
constexpr int kThreads = 256;

struct Welford {
  float count, mean, m2;
};

// Chan et al.'s merge of two partial means and sums of squared deviations.
__device__ __forceinline__ void merge(Welford& a, const Welford& b) {
  if (b.count == 0.f) return;
  const float count = a.count + b.count;
  const float delta = b.mean - a.mean;
  const float share = b.count / count;
  a.mean += delta * share;
  a.m2 += b.m2 + delta * delta * a.count * share;
  a.count = count;
}

__device__ __forceinline__ float sigmoid(float z) { return 1.f / (1.f + expf(-z)); }

// d silu(z) / dz
__device__ __forceinline__ float siluDerivative(float z) {
  const float s = sigmoid(z);
  return s * (1.f + z * (1.f - s));
}

struct Shape {
  std::int64_t pixels, channels, groups, channelsPerGroup;
  std::int64_t tilePixels;
  int tiles;
};

// Per (sample, tile, channel): the mean and the sum of squared deviations of the tile's values.
template <typename T>
__global__ void channelStatsKernel(const T* __restrict__ x, float2* __restrict__ partial, Shape s) {
  const int lane = threadIdx.x, row = threadIdx.y;
  const std::int64_t channel = static_cast<std::int64_t>(blockIdx.x) * kLanes + lane;
  const int tile = blockIdx.y;
  const std::int64_t n = blockIdx.z;
  const std::int64_t begin = tile * s.tilePixels, end = min(s.pixels, begin + s.tilePixels);
  Welford w{0.f, 0.f, 0.f};
  if (channel < s.channels) {
    const T* base = x + n * s.pixels * s.channels + channel;
    for (std::int64_t p = begin + row; p < end; p += kRows) {
      const float v = static_cast<float>(base[p * s.channels]);
      w.count += 1.f;
      const float delta = v - w.mean;
      w.mean += delta / w.count;
      w.m2 += delta * (v - w.mean);
    }
  }
  __shared__ Welford shared[kRows][kLanes];
  shared[row][lane] = w;
  __syncthreads();
  if (row != 0 || channel >= s.channels) return;
  for (int r = 1; r < kRows; ++r) merge(w, shared[r][lane]);
  partial[(n * s.tiles + tile) * s.channels + channel] = make_float2(w.mean, w.m2);
}

// One block per (sample, group): merges the group's channels over all tiles into its mean and
// 1 / sqrt(variance + eps).
__global__ void groupStatsKernel(const float2* __restrict__ partial, float* __restrict__ mean, float* __restrict__ rstd,
                                 Shape s, float eps) {
  const std::int64_t n = blockIdx.x / s.groups, g = blockIdx.x % s.groups;
  const std::int64_t entries = static_cast<std::int64_t>(s.tiles) * s.channelsPerGroup;
  Welford w{0.f, 0.f, 0.f};
  for (std::int64_t e = threadIdx.x; e < entries; e += blockDim.x) {
    const std::int64_t tile = e / s.channelsPerGroup, channel = g * s.channelsPerGroup + e % s.channelsPerGroup;
    const float2 p = partial[(n * s.tiles + tile) * s.channels + channel];
    const float count = static_cast<float>(min(s.tilePixels, s.pixels - tile * s.tilePixels));
    merge(w, Welford{count, p.x, p.y});
  }
  __shared__ Welford shared[kThreads];
  shared[threadIdx.x] = w;
  __syncthreads();
  for (int stride = kThreads / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) merge(shared[threadIdx.x], shared[threadIdx.x + stride]);
    __syncthreads();
  }
  if (threadIdx.x != 0) return;
  const Welford total = shared[0];
  mean[blockIdx.x] = total.mean;
  rstd[blockIdx.x] = rsqrtf(fmaxf(total.m2 / total.count, 0.f) + eps);
}

template <typename T, int V>
struct alignas(sizeof(T) * V) Pack {
  T v[V];
};

// out = (x − mean)·rstd·weight + bias, then SiLU; V consecutive channels of a pixel per thread.
template <typename T, int V>
__global__ void normalizeKernel(const T* __restrict__ x, T* __restrict__ out, const float* __restrict__ mean,
                                const float* __restrict__ rstd, const float* __restrict__ weight,
                                const float* __restrict__ bias, Shape s, std::int64_t packs, bool silu) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < packs;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t first = i * V;
    const std::int64_t n = first / (s.pixels * s.channels), channel = first % s.channels;
    const Pack<T, V> in = reinterpret_cast<const Pack<T, V>*>(x)[i];
    Pack<T, V> result;
#pragma unroll
    for (int k = 0; k < V; ++k) {
      const std::int64_t c = channel + k, at = n * s.groups + c / s.channelsPerGroup;
      float z = (static_cast<float>(in.v[k]) - mean[at]) * rstd[at] * weight[c] + bias[c];
      if (silu) z *= sigmoid(z);
      result.v[k] = static_cast<T>(z);
    }
    reinterpret_cast<Pack<T, V>*>(out)[i] = result;
  }
}

// The gradient reaching the normalised, scaled and shifted value z (through the SiLU when fused).
__device__ __forceinline__ float gradientAtZ(float gradOut, float normalized, float weight, float bias, bool silu) {
  return silu ? gradOut * siluDerivative(normalized * weight + bias) : gradOut;
}

// Per (sample, tile, channel): Σ dz and Σ dz·x̂, x̂ the normalised input.
template <typename T>
__global__ void gradientStatsKernel(const T* __restrict__ gradOut, const T* __restrict__ x,
                                    const float* __restrict__ mean, const float* __restrict__ rstd,
                                    const float* __restrict__ weight, const float* __restrict__ bias,
                                    float2* __restrict__ partial, Shape s, bool silu) {
  const int lane = threadIdx.x, row = threadIdx.y;
  const std::int64_t channel = static_cast<std::int64_t>(blockIdx.x) * kLanes + lane;
  const int tile = blockIdx.y;
  const std::int64_t n = blockIdx.z;
  const std::int64_t begin = tile * s.tilePixels, end = min(s.pixels, begin + s.tilePixels);
  float sumGrad = 0.f, sumGradNormalized = 0.f;
  if (channel < s.channels) {
    const std::int64_t at = n * s.groups + channel / s.channelsPerGroup;
    const float m = mean[at], r = rstd[at], w = weight[channel], b = bias[channel];
    const std::int64_t offset = n * s.pixels * s.channels + channel;
    for (std::int64_t p = begin + row; p < end; p += kRows) {
      const std::int64_t e = offset + p * s.channels;
      const float normalized = (static_cast<float>(x[e]) - m) * r;
      const float dz = gradientAtZ(static_cast<float>(gradOut[e]), normalized, w, b, silu);
      sumGrad += dz;
      sumGradNormalized += dz * normalized;
    }
  }
  __shared__ float2 shared[kRows][kLanes];
  shared[row][lane] = make_float2(sumGrad, sumGradNormalized);
  __syncthreads();
  if (row != 0 || channel >= s.channels) return;
  for (int r = 1; r < kRows; ++r) {
    sumGrad += shared[r][lane].x;
    sumGradNormalized += shared[r][lane].y;
  }
  partial[(n * s.tiles + tile) * s.channels + channel] = make_float2(sumGrad, sumGradNormalized);
}

// dx = rstd·(dz·weight − A/M − x̂·B/M), with A = Σ dz·weight and B = Σ dz·weight·x̂ over the group's M
// values (coefficients [N, groups, 2]).
template <typename T, int V>
__global__ void gradientInputKernel(const T* __restrict__ gradOut, const T* __restrict__ x, T* __restrict__ gradIn,
                                    const float* __restrict__ mean, const float* __restrict__ rstd,
                                    const float* __restrict__ weight, const float* __restrict__ bias,
                                    const float2* __restrict__ coefficients, Shape s, std::int64_t packs, bool silu) {
  const float perGroup = static_cast<float>(s.pixels * s.channelsPerGroup);
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < packs;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t first = i * V;
    const std::int64_t n = first / (s.pixels * s.channels), channel = first % s.channels;
    const Pack<T, V> in = reinterpret_cast<const Pack<T, V>*>(x)[i];
    const Pack<T, V> grad = reinterpret_cast<const Pack<T, V>*>(gradOut)[i];
    Pack<T, V> result;
#pragma unroll
    for (int k = 0; k < V; ++k) {
      const std::int64_t c = channel + k, at = n * s.groups + c / s.channelsPerGroup;
      const float r = rstd[at];
      const float normalized = (static_cast<float>(in.v[k]) - mean[at]) * r;
      const float dz = gradientAtZ(static_cast<float>(grad.v[k]), normalized, weight[c], bias[c], silu);
      const float2 coefficient = coefficients[at];
      result.v[k] = static_cast<T>(r * (dz * weight[c] - (coefficient.x + normalized * coefficient.y) / perGroup));
    }
    reinterpret_cast<Pack<T, V>*>(gradIn)[i] = result;
  }
}

Shape shapeOf(const at::Tensor& x, std::int64_t groups) {
  Shape s;
  s.channels = x.size(1);
  s.pixels = x.size(2) * x.size(3);
  s.groups = groups;
  s.channelsPerGroup = s.channels / groups;
  // Tiles of 128 pixels, larger where a grid dimension (at most 65535) would not hold them.
  s.tilePixels = std::max<std::int64_t>(kTilePixels, (s.pixels + 65534) / 65535);
  s.tiles = static_cast<int>((s.pixels + s.tilePixels - 1) / s.tilePixels);
  return s;
}

dim3 reductionGrid(const Shape& s, std::int64_t batch) {
  return dim3(static_cast<unsigned>((s.channels + kLanes - 1) / kLanes), static_cast<unsigned>(s.tiles),
              static_cast<unsigned>(batch));
}

int blocksFor(std::int64_t items) {
  return static_cast<int>(std::min<std::int64_t>((items + kThreads - 1) / kThreads, 65535));
}

// Runs `launch` with the widest pack of channels (16 bytes) that the channel count and the pointers
// allow, else one value per thread.
template <typename T, typename Launch>
void withPack(std::int64_t channels, std::initializer_list<const void*> pointers, Launch&& launch) {
  constexpr int wide = 16 / sizeof(T);
  bool aligned = channels % wide == 0;
  for (const void* p : pointers) aligned = aligned && reinterpret_cast<std::uintptr_t>(p) % 16 == 0;
  if (aligned) launch(std::integral_constant<int, wide>{});
  else launch(std::integral_constant<int, 1>{});
}

at::Tensor floats(const at::Tensor& t) { return t.to(at::kFloat).contiguous(); }

}  // namespace

bool canGroupNormNhwc(const at::Tensor& x, std::int64_t groups) {
  const auto type = x.scalar_type();
  return x.is_cuda() && x.dim() == 4 && groups > 0 && x.size(1) % groups == 0 && x.size(0) <= 65535 &&
         x.is_contiguous(at::MemoryFormat::ChannelsLast) &&
         (type == at::kFloat || type == at::kBFloat16 || type == at::kHalf);
}

GroupNormNhwcForward groupNormNhwcForward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                          std::int64_t groups, double eps, bool silu) {
  TORCH_CHECK(canGroupNormNhwc(x, groups),
              "groupNormNhwcForward: a channels-last 4-D CUDA tensor of float32, bf16 or fp16 whose channels divide "
              "into the groups");
  TORCH_CHECK(weight.numel() == x.size(1) && bias.numel() == x.size(1),
              "groupNormNhwcForward: weight and bias need one value per channel");
  const c10::cuda::CUDAGuard guard(x.device());
  const Shape s = shapeOf(x, groups);
  const std::int64_t batch = x.size(0);
  const auto f32 = x.options().dtype(at::kFloat);
  GroupNormNhwcForward result;
  result.out = at::empty_like(x, at::MemoryFormat::ChannelsLast);
  result.mean = at::empty({batch, groups}, f32);
  result.rstd = at::empty({batch, groups}, f32);
  if (x.numel() == 0) return result;
  const at::Tensor w = floats(weight), b = floats(bias);
  const at::Tensor partial = at::empty({batch, s.tiles, s.channels, 2}, f32);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "group_norm_nhwc_forward", [&] {
    channelStatsKernel<scalar_t><<<reductionGrid(s, batch), dim3(kLanes, kRows), 0, stream>>>(
        x.data_ptr<scalar_t>(), reinterpret_cast<float2*>(partial.data_ptr<float>()), s);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    groupStatsKernel<<<static_cast<unsigned>(batch * groups), kThreads, 0, stream>>>(
        reinterpret_cast<const float2*>(partial.data_ptr<float>()), result.mean.data_ptr<float>(),
        result.rstd.data_ptr<float>(), s, static_cast<float>(eps));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    withPack<scalar_t>(s.channels, {x.data_ptr(), result.out.data_ptr()}, [&](auto pack) {
      constexpr int V = decltype(pack)::value;
      const std::int64_t packs = x.numel() / V;
      normalizeKernel<scalar_t, V><<<blocksFor(packs), kThreads, 0, stream>>>(
          x.data_ptr<scalar_t>(), result.out.data_ptr<scalar_t>(), result.mean.data_ptr<float>(),
          result.rstd.data_ptr<float>(), w.data_ptr<float>(), b.data_ptr<float>(), s, packs, silu);
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    });
  });
  return result;
}

GroupNormNhwcGradients groupNormNhwcBackward(const at::Tensor& gradOut, const at::Tensor& x, const at::Tensor& weight,
                                             const at::Tensor& bias, const at::Tensor& mean, const at::Tensor& rstd,
                                             std::int64_t groups, bool silu) {
  TORCH_CHECK(canGroupNormNhwc(x, groups), "groupNormNhwcBackward: the input is not one the kernels take");
  TORCH_CHECK(gradOut.sizes() == x.sizes(), "groupNormNhwcBackward: the output gradient does not match the input");
  const c10::cuda::CUDAGuard guard(x.device());
  const Shape s = shapeOf(x, groups);
  const std::int64_t batch = x.size(0);
  const at::Tensor g = gradOut.to(x.scalar_type()).contiguous(at::MemoryFormat::ChannelsLast);
  GroupNormNhwcGradients result;
  result.input = at::empty_like(x, at::MemoryFormat::ChannelsLast);
  if (x.numel() == 0) {
    result.weight = at::zeros_like(weight);
    result.bias = at::zeros_like(bias);
    return result;
  }
  const at::Tensor w = floats(weight), b = floats(bias), m = mean.contiguous(), r = rstd.contiguous();
  const at::Tensor partial = at::empty({batch, s.tiles, s.channels, 2}, x.options().dtype(at::kFloat));
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "group_norm_nhwc_gradient_stats", [&] {
    gradientStatsKernel<scalar_t><<<reductionGrid(s, batch), dim3(kLanes, kRows), 0, stream>>>(
        g.data_ptr<scalar_t>(), x.data_ptr<scalar_t>(), m.data_ptr<float>(), r.data_ptr<float>(), w.data_ptr<float>(),
        b.data_ptr<float>(), reinterpret_cast<float2*>(partial.data_ptr<float>()), s, silu);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  // Per (sample, channel): Σ dz and Σ dz·x̂ over all pixels; the parameters' gradients sum them over
  // the samples, the input's needs them weighted and summed per group.
  const at::Tensor sums = partial.sum(1);  // [N, C, 2]
  const at::Tensor sumGrad = sums.select(-1, 0), sumGradNormalized = sums.select(-1, 1);
  result.weight = sumGradNormalized.sum(0).to(weight.scalar_type());
  result.bias = sumGrad.sum(0).to(bias.scalar_type());
  const at::Tensor coefficients =
      (sums * w.view({1, -1, 1})).view({batch, groups, s.channelsPerGroup, 2}).sum(2).contiguous();  // [N, G, 2]
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "group_norm_nhwc_gradient_input", [&] {
    withPack<scalar_t>(s.channels, {g.data_ptr(), x.data_ptr(), result.input.data_ptr()}, [&](auto pack) {
      constexpr int V = decltype(pack)::value;
      const std::int64_t packs = x.numel() / V;
      gradientInputKernel<scalar_t, V><<<blocksFor(packs), kThreads, 0, stream>>>(
          g.data_ptr<scalar_t>(), x.data_ptr<scalar_t>(), result.input.data_ptr<scalar_t>(), m.data_ptr<float>(),
          r.data_ptr<float>(), w.data_ptr<float>(), b.data_ptr<float>(),
          reinterpret_cast<const float2*>(coefficients.data_ptr<float>()), s, packs, silu);
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    });
  });
  return result;
}

}  // namespace sds::models::cuda
