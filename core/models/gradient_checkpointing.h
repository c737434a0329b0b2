#pragma once
// Gradient checkpointing, which LibTorch's C++ API lacks: a custom autograd function that runs a piece
// of the network without keeping its activations and runs it again during the backward pass to get
// them. Memory of a UNet step drops to the block inputs, for about a third more compute.

#include <ATen/core/Tensor.h>

#include <functional>
#include <vector>

namespace sds::models {

using CheckpointedFunction = std::function<at::Tensor(const std::vector<at::Tensor>&)>;

// fn(inputs), recomputed in the backward pass. Gradients reach the inputs that require them and every
// parameter fn uses, as with a plain call; `fn` must be deterministic. When no gradient is being
// recorded this is a plain call. Use with backward() (not autograd::grad), as PyTorch's reentrant
// checkpoint.
at::Tensor gradientCheckpoint(const CheckpointedFunction& fn, const std::vector<at::Tensor>& inputs);

}  // namespace sds::models
