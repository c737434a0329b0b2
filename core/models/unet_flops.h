#pragma once
// The floating-point operations of one UNet forward pass, counted analytically from its config: the
// multiply-adds of every convolution, linear layer and attention product, two operations each.
// Norms, activations and the softmax are left out (a few percent), as FLOP counts usually do.
// A training step is about three forward passes (the backward pass costs two); gradient
// checkpointing runs the forward once more, which the benchmark reports as recomputation, not as
// useful work.

#include <cstdint>

#include "models/unet_2d_condition.h"

namespace sds::models {

// latentHeight × latentWidth latents (the image size / 8), textTokens of cross-attention context.
double unetForwardFlops(const UNetConfig& config, std::int64_t batch, std::int64_t latentHeight,
                        std::int64_t latentWidth, std::int64_t textTokens = 77);

}  // namespace sds::models
