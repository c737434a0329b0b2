#include "train/data/model_identity.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace sds::data {
namespace {

// 64-bit multiply-rotate mixing of 8-byte words, with the tail byte-wise: fast enough for hundreds of MB.
struct Hasher {
  std::uint64_t h = 0x9E3779B97F4A7C15ull;
  void word(std::uint64_t w) {
    h ^= w * 0xFF51AFD7ED558CCDull;
    h = ((h << 31) | (h >> 33)) * 0xC4CEB9FE1A85EC53ull;
  }
  void bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      word(w);
    }
    std::uint64_t tail = 0;
    for (std::size_t k = 0; i < size; ++i, ++k) tail |= static_cast<std::uint64_t>(p[i]) << (8 * k);
    word(tail ^ size);
  }
};

}  // namespace

std::string weightsFingerprint(const torch::nn::Module& module) {
  torch::NoGradGuard noGrad;
  Hasher hasher;
  for (const auto& item : module.named_parameters()) {
    hasher.bytes(item.key().data(), item.key().size());
    const at::Tensor t = item.value().detach().to(torch::kCPU).contiguous();
    for (const int64_t d : t.sizes()) hasher.word(static_cast<std::uint64_t>(d));
    hasher.word(static_cast<std::uint64_t>(t.scalar_type()));
    hasher.bytes(t.data_ptr(), t.numel() * t.element_size());
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hasher.h));
  return hex;
}

std::string frozenWeightsFingerprint(const torch::nn::Module& module) {
  torch::NoGradGuard noGrad;
  Hasher hasher;
  for (const auto& item : module.named_parameters()) {
    hasher.bytes(item.key().data(), item.key().size());
    const at::Tensor& p = item.value();
    for (const int64_t d : p.sizes()) hasher.word(static_cast<std::uint64_t>(d));
    hasher.word(static_cast<std::uint64_t>(p.scalar_type()));
    if (p.requires_grad() || p.numel() == 0) continue;
    // Up to 256 values spread over the tensor: different base models differ in them, and reading
    // them costs nothing next to reading all of SDXL.
    const std::int64_t stride = std::max<std::int64_t>(1, p.numel() / 256);
    const at::Tensor picked = p.detach().reshape({-1}).slice(0, 0, p.numel(), stride).to(torch::kCPU).contiguous();
    hasher.bytes(picked.data_ptr(), picked.numel() * picked.element_size());
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hasher.h));
  return hex;
}

}  // namespace sds::data
