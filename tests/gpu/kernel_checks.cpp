// kernel_checks: each fused GPU path against the reference it replaces, on the GPU.
//  * 8-bit AdamW: the fused kernel (train/cuda/adamw_8bit.cu) against the per-tensor ATen path, over
//    several steps, for float32 parameters and for bf16 / fp16 ones with float32 masters.
//  * attention: the default fused path (cuDNN's kernels where they apply) in bf16 against explicit
//    float32 attention, outputs and input gradients, on the SD 1.5 / SDXL self- and cross-attention
//    shapes.
//  * GEGLU: the fused kernels (models/cuda/geglu.cu) in float32, bf16 and fp16 against the ATen path
//    in float32, output and input gradient; the feed-forward module with them on and off, its
//    weight gradients; and both paths' time on SD 1.5's largest feed-forward.
//  * group norm (+ SiLU) of channels-last activations: our kernels (models/cuda/group_norm_nhwc.cu)
//    in float32, bf16 and fp16 against ATen's group_norm in float32 — output, input, weight and bias
//    gradients — on the UNet's shapes and on odd ones; a channels-last resnet block with them on and
//    off; and the time of SD 1.5's largest norm with ATen on both layouts and with ours.
// Prints a Markdown table; exits 1 when a check fails, 2 without a CUDA GPU.

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "models/attention.h"
#include "models/blocks/resnet.h"
#include "models/blocks/transformer_2d.h"
#include "models/cuda/group_norm_nhwc.h"
#include "models/cuda/geglu.h"
#include "models/fused_kernels.h"
#include "train/adamw.h"
#include "train/cuda/adamw_8bit.h"

namespace {

int failures = 0;

void report(const std::string& check, const std::string& measure, double value, double bound) {
  const bool ok = value <= bound;
  if (!ok) ++failures;
  std::printf("| %s | %s | %.3g | %.3g | %s |\n", check.c_str(), measure.c_str(), value, bound, ok ? "ok" : "FAILED");
}

double maxAbs(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(torch::kFloat32) - b.to(torch::kFloat32)).abs().max().item<double>();
}

double meanAbs(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(torch::kFloat32) - b.to(torch::kFloat32)).abs().mean().item<double>();
}

// Both optimizers start from the same weights and see the same gradients.
void checkEightBitAdamW(c10::ScalarType dtype) {
  using sds::train::AdamW;
  const std::string name = std::string("8-bit AdamW, ") + c10::toString(dtype);
  const std::vector<std::vector<int64_t>> shapes{{320, 320, 3, 3}, {1280, 320}, {3001}, {77}, {4096 * 3 + 5}};
  const auto options = torch::TensorOptions().device(torch::kCUDA).dtype(dtype);
  torch::manual_seed(7);
  std::vector<std::pair<std::string, at::Tensor>> fused, reference;
  std::vector<at::Tensor> initial;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const at::Tensor w = torch::randn(shapes[i], options) * 0.05;
    initial.push_back(w.clone());
    fused.emplace_back("p" + std::to_string(i), w.clone().requires_grad_(true));
    reference.emplace_back("p" + std::to_string(i), w.clone().requires_grad_(true));
  }
  sds::train::AdamWOptions o;
  o.eightBit = true;
  AdamW fusedOptimizer(fused, o);
  o.fusedKernels = false;
  AdamW referenceOptimizer(reference, o);

  bool kernelTakesThem = true;
  for (int step = 0; step < 6; ++step) {
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      const at::Tensor g = torch::randn(shapes[i], options) * (step % 2 ? 0.01 : 1.0);
      fused[i].second.mutable_grad() = g.clone();
      reference[i].second.mutable_grad() = g.clone();
      sds::train::cuda::EightBitUpdate u;
      u.parameter = fused[i].second;
      u.grad = g;
      if (dtype != torch::kFloat32) u.master = fused[i].second.to(torch::kFloat32);
      u.mCodes = torch::zeros({((g.numel() + 2047) / 2048) * 2048}, options.dtype(torch::kInt8));
      kernelTakesThem = kernelTakesThem && sds::train::cuda::canUpdate(u);
    }
    fusedOptimizer.step(1e-3);
    referenceOptimizer.step(1e-3);
  }
  report(name, "parameters the fused kernel does not take", kernelTakesThem ? 0 : 1, 0);
  const auto a = fusedOptimizer.state(), b = referenceOptimizer.state();
  // The float32 weights: the parameters themselves, or their masters.
  auto weights = [&](const std::map<std::string, at::Tensor>& state, std::size_t i, const at::Tensor& parameter) {
    const auto it = state.find("p" + std::to_string(i) + ".master");
    return it != state.end() ? it->second : parameter;
  };
  double worst = 0, mean = 0, moved = 0, copies = 0;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const at::Tensor wa = weights(a, i, fused[i].second), wb = weights(b, i, reference[i].second);
    worst = std::max(worst, maxAbs(wa, wb));
    mean = std::max(mean, meanAbs(wa, wb));
    moved = std::max(moved, maxAbs(wa, initial[i]));
    copies = std::max(copies, maxAbs(fused[i].second, wa.to(dtype)));
  }
  // Rounding differences (powf, fused multiply-adds) can move an 8-bit code by a step now and then,
  // which changes that element's later updates by a few percent of the learning rate (1e-3).
  report(name, "float32 weights, max abs difference after 6 steps", worst, 1e-4);
  report(name, "float32 weights, mean abs difference", mean, 1e-7);
  report(name, "weights moved less than 1e-3 (0 = they moved)", moved > 1e-3 ? 0 : 1, 0);
  report(name, "model copy minus rounded master, max abs", copies, 0);
  // The moments as stored: one code step at the top of the 4th-power scale is 4/127 (m) or 4/255 (v)
  // of the block's maximum; relative to the largest moment both stay within that.
  for (const char* moment : {".m", ".v"}) {
    double difference = 0, largest = 0;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      const std::string key = "p" + std::to_string(i) + moment;
      auto decoded = [&](const std::map<std::string, at::Tensor>& state) {
        sds::train::QuantizedMoment q;
        q.codes = state.at(key + ".codes"), q.scales = state.at(key + ".scales");
        q.isSigned = std::string(moment) == ".m";
        return q.decode(q.codes.numel());
      };
      const at::Tensor da = decoded(a), db = decoded(b);
      difference = std::max(difference, maxAbs(da, db));
      largest = std::max(largest, db.abs().max().item<double>());
    }
    report(name, std::string("moment ") + (moment + 1) + ", max abs difference / largest", difference / largest,
           4.0 / 127);
  }
}

void checkAttention(int64_t batch, int64_t heads, int64_t tokens, int64_t headDim, int64_t keys) {
  using namespace sds::models;
  const std::string name = "attention " + std::to_string(batch) + "x" + std::to_string(heads) + "x" +
                           std::to_string(tokens) + "x" + std::to_string(headDim) + ", " + std::to_string(keys) + " keys";
  torch::manual_seed(3);
  const auto f32 = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat32);
  // [B, tokens, heads, dim] transposed, as the blocks lay them out.
  const at::Tensor q0 = torch::randn({batch, tokens, heads, headDim}, f32).transpose(1, 2);
  const at::Tensor k0 = torch::randn({batch, keys, heads, headDim}, f32).transpose(1, 2);
  const at::Tensor v0 = torch::randn({batch, keys, heads, headDim}, f32).transpose(1, 2);
  const at::Tensor g = torch::randn({batch, heads, tokens, headDim}, f32);
  auto run = [&](AttentionImplementation impl, c10::ScalarType type) {
    setAttentionImplementation(impl);
    std::vector<at::Tensor> inputs;
    for (const at::Tensor& t : {q0, k0, v0}) inputs.push_back(t.to(type).detach().requires_grad_(true));
    const at::Tensor out = attention(inputs[0], inputs[1], inputs[2]);
    out.backward(g.to(type));
    return std::vector<at::Tensor>{out.detach(), inputs[0].grad(), inputs[1].grad(), inputs[2].grad()};
  };
  const auto reference = run(AttentionImplementation::Explicit, torch::kFloat32);
  const auto fused = run(AttentionImplementation::Fused, torch::kBFloat16);
  setAttentionImplementation(AttentionImplementation::Fused);
  const char* what[] = {"output", "dq", "dk", "dv"};
  for (int i = 0; i < 4; ++i) {
    // bf16 keeps 8 bits of mantissa: flash attention and cuDNN both land within 1-2 % of the largest
    // value here (PyTorch's own flash kernel measures the same on these shapes).
    const double scale = reference[i].abs().max().item<double>();
    report(name, std::string(what[i]) + ", bf16, max abs difference / max abs", maxAbs(fused[i], reference[i]) / scale,
           0.03);
  }
}

// The ATen path: the halves, an exact GELU, a product.
at::Tensor referenceGeglu(const at::Tensor& projected) {
  const auto halves = projected.chunk(2, -1);
  return halves[0] * torch::gelu(halves[1]);
}

void checkGeglu(c10::ScalarType dtype) {
  const std::string name = std::string("GEGLU, ") + c10::toString(dtype);
  torch::manual_seed(5);
  const auto f32 = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat32);
  const at::Tensor projected = torch::randn({2, 1000, 2 * 640}, f32) * 2;  // GELU's curve over ±6
  const at::Tensor g = torch::randn({2, 1000, 640}, f32);
  at::Tensor reference = projected.clone().requires_grad_(true);
  const at::Tensor expected = referenceGeglu(reference);
  expected.backward(g);
  const at::Tensor input = projected.to(dtype);
  const at::Tensor out = sds::models::cuda::gegluForward(input);
  const at::Tensor gradIn = sds::models::cuda::gegluBackward(g.to(dtype), input);
  // Against float32 on the input as rounded to `dtype`, so that only the kernels' own error counts:
  // one rounding of the result (2^-8 relative for bf16, 2^-11 for fp16).
  at::Tensor rounded = input.to(torch::kFloat32).requires_grad_(true);
  const at::Tensor roundedOut = referenceGeglu(rounded);
  roundedOut.backward(g.to(dtype).to(torch::kFloat32));
  const double bound = dtype == torch::kBFloat16 ? 1.0 / 128 : dtype == torch::kHalf ? 1.0 / 1024 : 1e-5;
  report(name, "output, max abs difference / max abs", maxAbs(out, roundedOut) / roundedOut.abs().max().item<double>(),
         bound);
  report(name, "input gradient, max abs difference / max abs",
         maxAbs(gradIn, rounded.grad()) / rounded.grad().abs().max().item<double>(), bound);
  if (dtype == torch::kFloat32) report(name, "output against the unrounded input", maxAbs(out, expected), 1e-5);
}

// The module end to end: the fused path is taken, and the projection's weights get the same gradients.
void checkFeedForward() {
  using namespace sds::models;
  torch::manual_seed(6);
  FeedForward ff(320);
  ff->to(torch::kCUDA, torch::kBFloat16);
  const at::Tensor x = torch::randn({2, 4096, 320}, torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16));
  auto run = [&](bool fused) {
    setFusedGeglu(fused);
    ff->zero_grad();
    const at::Tensor out = ff->forward(x);
    out.to(torch::kFloat32).pow(2).mean().backward();
    return std::make_pair(out.detach(), ff->geglu->proj->weight.grad().clone());
  };
  const auto aten = run(false), fused = run(true);
  report("feed-forward, bf16, fused GEGLU", "output, max abs difference / max abs",
         maxAbs(fused.first, aten.first) / aten.first.abs().max().item<double>(), 1.0 / 64);
  report("feed-forward, bf16, fused GEGLU", "projection weight gradient, max abs difference / max abs",
         maxAbs(fused.second, aten.second) / aten.second.abs().max().item<double>(), 1.0 / 32);
}

// GPU milliseconds of one `pass`, the mean of 20 after 3 untimed.
double millisecondsPerPass(const std::function<void()>& pass) {
  for (int i = 0; i < 3; ++i) pass();
  torch::cuda::synchronize();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) pass();
  torch::cuda::synchronize();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / 20;
}

// Forward and backward of SD 1.5's 64×64-level feed-forward gate at batch 32, bf16.
void timeGeglu() {
  const auto bf16 = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  const at::Tensor projected = torch::randn({32, 4096, 2 * 1280}, bf16);
  const at::Tensor g = torch::randn({32, 4096, 1280}, bf16);
  const double aten = millisecondsPerPass([&] {
    at::Tensor p = projected.detach().requires_grad_(true);
    referenceGeglu(p).backward(g);
  });
  const double fused = millisecondsPerPass([&] {
    const at::Tensor out = sds::models::cuda::gegluForward(projected);
    const at::Tensor grad = sds::models::cuda::gegluBackward(g, projected);
  });
  std::printf("| GEGLU, bf16, 32 x 4096 x 1280 | forward + backward ms: ATen %.2f, fused %.2f | %.2f x | | |\n", aten, fused,
              aten / fused);
}

// ATen's path in float32: group_norm, then silu.
at::Tensor referenceGroupNorm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, int64_t groups,
                              bool silu) {
  const at::Tensor y = torch::group_norm(x, groups, weight, bias, 1e-5);
  return silu ? torch::silu(y) : y;
}

double relative(const at::Tensor& ours, const at::Tensor& reference) {
  return maxAbs(ours, reference) / std::max(reference.abs().max().item<double>(), 1e-30);
}

void checkGroupNorm(c10::ScalarType dtype, int64_t n, int64_t c, int64_t h, int64_t w, int64_t groups, bool silu) {
  const std::string name = "group norm" + std::string(silu ? " + SiLU, " : ", ") + c10::toString(dtype) + ", " +
                           std::to_string(n) + "x" + std::to_string(c) + "x" + std::to_string(h) + "x" +
                           std::to_string(w) + ", " + std::to_string(groups) + " groups";
  torch::manual_seed(7);
  const auto f32 = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat32);
  // An offset mean, as activations have: the variance must not be taken as E[x²] − E[x]².
  const at::Tensor x = (torch::randn({n, c, h, w}, f32) * 2 + 6).contiguous(at::MemoryFormat::ChannelsLast);
  const at::Tensor weight = torch::randn({c}, f32), bias = torch::randn({c}, f32);
  const at::Tensor g = torch::randn({n, c, h, w}, f32).contiguous(at::MemoryFormat::ChannelsLast);
  const at::Tensor input = x.to(dtype), gradOut = g.to(dtype);
  // The reference on the input and gradient as rounded to `dtype`: only the kernels' own error counts.
  at::Tensor rx = input.to(torch::kFloat32).contiguous().requires_grad_(true);
  at::Tensor rw = weight.clone().requires_grad_(true), rb = bias.clone().requires_grad_(true);
  const at::Tensor expected = referenceGroupNorm(rx, rw, rb, groups, silu);
  expected.backward(gradOut.to(torch::kFloat32).contiguous());
  const auto forward = sds::models::cuda::groupNormNhwcForward(input, weight, bias, groups, 1e-5, silu);
  const auto grads = sds::models::cuda::groupNormNhwcBackward(gradOut, input, weight, bias, forward.mean,
                                                                  forward.rstd, groups, silu);
  const double rounding = dtype == torch::kBFloat16 ? 1.0 / 128 : dtype == torch::kHalf ? 1.0 / 1024 : 1e-4;
  report(name, "output, max abs difference / max abs", relative(forward.out, expected), rounding);
  report(name, "input gradient, max abs difference / max abs", relative(grads.input, rx.grad()), rounding);
  // Summed in float32 by both: only the order of the sums differs.
  report(name, "weight gradient, max abs difference / max abs", relative(grads.weight, rw.grad()), 1e-3);
  report(name, "bias gradient, max abs difference / max abs", relative(grads.bias, rb.grad()), 1e-3);
  if (!forward.out.is_contiguous(at::MemoryFormat::ChannelsLast) ||
      !grads.input.is_contiguous(at::MemoryFormat::ChannelsLast))
    report(name, "results channels-last (1 = no)", 1, 0);
}

// A resnet block in channels-last bf16 with our group norm and with torch's: the same outputs and
// weight gradients, up to bf16 rounding.
void checkResnetBlock() {
  using namespace sds::models;
  torch::manual_seed(8);
  ResnetBlock2D block(320, 640, 1280, 32, 0, 1e-5, 1.0);
  block->to(torch::kCUDA, torch::kBFloat16);
  const auto bf16 = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  const at::Tensor x = torch::randn({2, 320, 32, 32}, bf16).contiguous(at::MemoryFormat::ChannelsLast);
  const at::Tensor temb = torch::randn({2, 1280}, bf16);
  auto run = [&](bool fused) {
    setFusedGroupNorm(fused);
    block->zero_grad();
    const at::Tensor out = block->forward(x, temb);
    out.to(torch::kFloat32).pow(2).mean().backward();
    return std::make_tuple(out.detach(), block->norm1->weight.grad().clone(), block->conv1->weight.grad().clone());
  };
  const auto aten = run(false), fused = run(true);
  const std::string name = "resnet block 320 -> 640, channels-last bf16, our group norm";
  report(name, "output, max abs difference / max abs", relative(std::get<0>(fused), std::get<0>(aten)), 1.0 / 32);
  report(name, "norm1 weight gradient, max abs difference / max abs", relative(std::get<1>(fused), std::get<1>(aten)),
         1.0 / 16);
  report(name, "conv1 weight gradient, max abs difference / max abs", relative(std::get<2>(fused), std::get<2>(aten)),
         1.0 / 16);
}

// Forward and backward of group norm + SiLU at SD 1.5's 64×64 level, batch 32, bf16.
void timeGroupNorm() {
  const auto bf16 = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  const at::Tensor nchw = torch::randn({32, 320, 64, 64}, bf16), g = torch::randn({32, 320, 64, 64}, bf16);
  const at::Tensor nhwc = nchw.contiguous(at::MemoryFormat::ChannelsLast);
  const at::Tensor gNhwc = g.contiguous(at::MemoryFormat::ChannelsLast);
  const at::Tensor weight = torch::ones({320}, bf16), bias = torch::zeros({320}, bf16);
  auto aten = [&](const at::Tensor& input, const at::Tensor& grad) {
    return millisecondsPerPass([&] {
      at::Tensor p = input.detach().requires_grad_(true);
      at::Tensor w = weight.detach().requires_grad_(true), b = bias.detach().requires_grad_(true);
      torch::silu(torch::group_norm(p, 32, w, b, 1e-5)).backward(grad);
    });
  };
  const double channelsFirst = aten(nchw, g), channelsLast = aten(nhwc, gNhwc);
  const double ours = millisecondsPerPass([&] {
    const auto f = sds::models::cuda::groupNormNhwcForward(nhwc, weight, bias, 32, 1e-5, true);
    const auto b = sds::models::cuda::groupNormNhwcBackward(gNhwc, nhwc, weight, bias, f.mean, f.rstd, 32, true);
  });
  std::printf("| group norm + SiLU, bf16, 32 x 320 x 64 x 64 | forward + backward ms: ATen NCHW %.2f, ATen "
              "channels-last %.2f, ours channels-last %.2f | %.2f x | | |\n",
              channelsFirst, channelsLast, ours, channelsFirst / ours);
}

}  // namespace

int main() {
  if (!torch::cuda::is_available()) {
    std::fprintf(stderr, "kernel_checks: no CUDA GPU is available to this build\n");
    return 2;
  }
  std::printf("| check | measure | value | bound | result |\n|---|---|---|---|---|\n");
  for (auto dtype : {torch::kFloat32, torch::kBFloat16, torch::kHalf}) checkEightBitAdamW(dtype);
  checkAttention(4, 8, 4096, 40, 4096);  // SD 1.5, 64×64 latents
  checkAttention(4, 8, 1024, 80, 1024);
  checkAttention(2, 10, 4096, 64, 4096);  // SDXL, 128×128 latents at its 64×64 level
  checkAttention(4, 8, 4096, 40, 77);     // cross-attention: the other fused kernels
  for (auto dtype : {torch::kFloat32, torch::kBFloat16, torch::kHalf}) checkGeglu(dtype);
  checkFeedForward();
  timeGeglu();
  for (auto dtype : {torch::kFloat32, torch::kBFloat16, torch::kHalf}) {
    checkGroupNorm(dtype, 2, 320, 64, 64, 32, true);  // SD 1.5's first level
    checkGroupNorm(dtype, 3, 1280, 8, 8, 32, false);  // its last, as the transformers' norm
  }
  checkGroupNorm(torch::kBFloat16, 2, 96, 7, 5, 32, true);   // packs of 8 channels across groups of 3
  checkGroupNorm(torch::kBFloat16, 2, 12, 9, 11, 4, true);   // channels not a multiple of 8: one value per thread
  checkGroupNorm(torch::kFloat32, 1, 64, 181, 181, 1, true);  // one group over many tiles, an uneven last tile
  checkResnetBlock();
  timeGroupNorm();
  std::printf("\n%s\n", failures ? "kernel checks: FAILED" : "kernel checks: all passed");
  return failures ? 1 : 0;
}
