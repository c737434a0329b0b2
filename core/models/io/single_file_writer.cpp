// Writing a model in the original (LDM) single-file layout: the reverse of single_file_model.cpp's
// loading, through the same name mapping (ldm_names.h).

#include <torch/torch.h>

#include <map>

#include "models/io/torch_tensors.h"
#include "models/io/ldm_names.h"
#include "models/io/single_file_model.h"

namespace sds::models {
namespace {

using Tensors = std::map<std::string, at::Tensor>;

at::Tensor stored(const at::Tensor& t, c10::ScalarType dtype) { return t.detach().to(torch::kCPU, dtype).contiguous(); }

void addClip(ClipTextModelImpl& model, const std::string& prefix, c10::ScalarType dtype, Tensors& out) {
  for (const auto& item : model.named_parameters()) out[prefix + "text_model." + item.key()] = stored(item.value(), dtype);
}

void addOpenClip(ClipTextModelImpl& model, const std::string& prefix, c10::ScalarType dtype, Tensors& out) {
  std::map<std::string, std::vector<at::Tensor>> thirds;  // in_proj name → q, k, v
  for (const auto& item : model.named_parameters()) {
    const ldm::OpenClipLocation at = ldm::openClipName(item.key());
    const at::Tensor value = stored(item.value(), dtype);
    if (at.part >= 0) {
      auto& parts = thirds[at.name];
      parts.resize(3);
      parts[at.part] = value;
    } else {
      out[prefix + at.name] = at.transposed ? value.t().contiguous() : value;
    }
  }
  for (const auto& [name, parts] : thirds) out[prefix + name] = torch::cat(parts, 0);
}

}  // namespace

void saveSingleFileModel(StableDiffusionModel& model, const std::string& path, c10::ScalarType dtype,
                         const std::map<std::string, std::string>& metadata) {
  torch::NoGradGuard noGrad;
  Tensors out;
  for (const auto& item : model.unet->named_parameters())
    out[ldm::kUNetPrefix + ldm::unetName(item.key(), model.unet->config)] = stored(item.value(), dtype);
  for (const auto& item : model.vae->named_parameters()) {
    at::Tensor value = stored(item.value(), dtype);
    // The LDM VAE's attention projections are 1×1 convolutions.
    if (value.dim() == 2) value = value.view({value.size(0), value.size(1), 1, 1});
    out[ldm::kVaePrefix + ldm::vaeName(item.key(), model.vae->config)] = value;
  }
  switch (model.family) {
    case ModelFamily::SD1: addClip(*model.textEncoder, ldm::kSd1TextPrefix, dtype, out); break;
    case ModelFamily::SD2: addOpenClip(*model.textEncoder, ldm::kSd2TextPrefix, dtype, out); break;
    case ModelFamily::SDXL:
      addClip(*model.textEncoder, ldm::kSdxlText1Prefix, dtype, out);
      addOpenClip(*model.textEncoder2, ldm::kSdxlText2Prefix, dtype, out);
      break;
  }
  // What shapes cannot tell, for the loaders that read it: ModelSpec's prediction type, and ComfyUI's
  // empty "v_pred" and "ztsnr" marker tensors.
  std::map<std::string, std::string> meta = metadata;
  const bool v = model.scheduler.predictionType == "v_prediction";
  meta["modelspec.prediction_type"] = v ? "v" : "epsilon";
  if (v) out["v_pred"] = torch::empty({0}, torch::kFloat32);
  if (model.scheduler.rescaleBetasZeroSnr) out["ztsnr"] = torch::empty({0}, torch::kFloat32);
  io::saveTensors(path, out, meta);
}

}  // namespace sds::models
