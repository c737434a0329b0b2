#pragma once
// Number formats by the names settings and options use ("fp32", "bf16", "fp16", "fp64"), and what this
// LibTorch can run on the CPU: one place for what training, export, generation and the benchmark
// each read from a precision setting.

#include <c10/core/ScalarType.h>

#include <optional>
#include <string_view>

namespace sds::runtime {

// The dtype of a precision name; nullopt for a name that is none of them.
std::optional<c10::ScalarType> scalarTypeOf(std::string_view name);

// True when this LibTorch runs the models' operations (convolution, group norm, upsampling, softmax,
// matmul) in `dtype` on this CPU: LibTorch 1.13 has no float16 convolution there, and oneDNN's
// bfloat16 kernels need CPU instructions that not every x86-64 CPU has. Checked once per dtype.
bool cpuSupports(c10::ScalarType dtype);

}  // namespace sds::runtime
