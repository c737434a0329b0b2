#pragma once
// A fingerprint of a module's weights (names, shapes, dtypes and values), so caches made with one VAE or
// text encoder are never used with another.

#include <torch/nn/module.h>

#include <cstdint>
#include <string>

namespace sds::data {

// 16 hex digits. Reads every parameter once (on the CPU), a fraction of a second for an SD VAE.
std::string weightsFingerprint(const torch::nn::Module& module);
// Names, shapes and dtypes of every parameter, and a sample of the values of those not being trained
// (requires_grad off): the same whenever it is taken during a training, and the same on every machine
// that trains from the same base model in the same precision. Milliseconds even for SDXL.
std::string frozenWeightsFingerprint(const torch::nn::Module& module);

}  // namespace sds::data
