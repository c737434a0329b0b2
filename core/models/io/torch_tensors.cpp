#include "models/io/torch_tensors.h"

#include <torch/torch.h>

#include "runtime/torch_compat.h"

namespace sds::io {

c10::ScalarType toScalarType(DType dtype, const std::string& where) {
  switch (dtype) {
    case DType::F64: return torch::kFloat64;
    case DType::F32: return torch::kFloat32;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::I64: return torch::kInt64;
    case DType::I32: return torch::kInt32;
    case DType::I16: return torch::kInt16;
    case DType::I8: return torch::kInt8;
    case DType::U8: return torch::kUInt8;
    case DType::BOOL: return torch::kBool;
#if SDS_TORCH_AT_LEAST(2, 1)
    case DType::F8_E4M3: return c10::ScalarType::Float8_e4m3fn;
    case DType::F8_E5M2: return c10::ScalarType::Float8_e5m2;
#endif
    default: break;
  }
  throw SafetensorsError(where + ": dtype " + std::string(dtypeName(dtype)) +
                         " is not supported by this build's LibTorch " TORCH_VERSION);
}

DType toDType(c10::ScalarType type) {
  switch (type) {
    case torch::kFloat64: return DType::F64;
    case torch::kFloat32: return DType::F32;
    case torch::kFloat16: return DType::F16;
    case torch::kBFloat16: return DType::BF16;
    case torch::kInt64: return DType::I64;
    case torch::kInt32: return DType::I32;
    case torch::kInt16: return DType::I16;
    case torch::kInt8: return DType::I8;
    case torch::kUInt8: return DType::U8;
    case torch::kBool: return DType::BOOL;
    default: break;
  }
  throw std::invalid_argument(std::string("tensors of type ") + c10::toString(type) + " cannot be saved as safetensors");
}

at::Tensor tensorView(const SafetensorsFile& file, const TensorInfo& tensor) {
  const c10::ScalarType type = toScalarType(tensor.dtype, file.path() + ": " + tensor.name);
  const auto options = torch::TensorOptions().dtype(type);
  const std::uint8_t* data = file.data(tensor);
  if (tensor.numel() == 0) return torch::empty(tensor.shape, options);
  if (reinterpret_cast<std::uintptr_t>(data) % dtypeSize(tensor.dtype) != 0) {
    at::Tensor copy = torch::empty(tensor.shape, options);
    std::memcpy(copy.data_ptr(), data, tensor.bytes());
    return copy;
  }
  auto keepAlive = file.keepAlive();
  // from_blob takes a non-const pointer; the view is documented read-only (the mapping is PROT_READ).
  return torch::from_blob(const_cast<std::uint8_t*>(data), tensor.shape, [keepAlive](void*) {}, options);
}

std::map<std::string, at::Tensor> loadTensors(const std::string& path) { return loadTensors(SafetensorsFile::open(path)); }

std::map<std::string, at::Tensor> loadTensors(const SafetensorsFile& file) {
  std::map<std::string, at::Tensor> out;
  for (const TensorInfo& t : file.tensors()) out.emplace(t.name, tensorView(file, t));
  return out;
}

void saveTensors(const std::string& path, const std::map<std::string, at::Tensor>& tensors,
                 const std::map<std::string, std::string>& metadata) {
  std::vector<at::Tensor> contiguous;
  std::vector<TensorToWrite> toWrite;
  contiguous.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    contiguous.push_back(tensor.detach().cpu().contiguous());
    const at::Tensor& t = contiguous.back();
    TensorToWrite w;
    w.name = name;
    w.dtype = toDType(t.scalar_type());
    w.shape = t.sizes().vec();
    w.data = t.data_ptr();
    w.bytes = static_cast<std::size_t>(t.numel()) * t.element_size();
    toWrite.push_back(std::move(w));
  }
  writeSafetensors(path, toWrite, metadata);
}

}  // namespace sds::io
