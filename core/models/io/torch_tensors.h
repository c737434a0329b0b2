#pragma once
// safetensors files as torch tensors: zero-copy views of a mapped file, and writing tensors out.

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

#include "io/safetensors.h"

namespace sds::io {

// Torch's element type for a safetensors dtype; throws SafetensorsError for types this LibTorch lacks.
c10::ScalarType toScalarType(DType dtype, const std::string& where);
// The safetensors dtype of a torch tensor; throws std::invalid_argument for types the format lacks.
DType toDType(c10::ScalarType type);

// A read-only view of one tensor of the file (no copy; the mapping stays alive as long as the view).
// Misaligned data (from other writers) is copied instead. Clone before modifying.
at::Tensor tensorView(const SafetensorsFile& file, const TensorInfo& tensor);

// Every tensor of a file, as views (see tensorView). Throws SafetensorsError.
std::map<std::string, at::Tensor> loadTensors(const std::string& path);
std::map<std::string, at::Tensor> loadTensors(const SafetensorsFile& file);

// Writes tensors (moved to the CPU, made contiguous) atomically, with metadata.
void saveTensors(const std::string& path, const std::map<std::string, at::Tensor>& tensors,
                 const std::map<std::string, std::string>& metadata = {});

}  // namespace sds::io
