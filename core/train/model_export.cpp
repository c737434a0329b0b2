#include "train/model_export.h"

#include <torch/torch.h>

#include <filesystem>

#include "models/io/diffusers_writer.h"
#include "models/io/lora_files.h"
#include "models/io/single_file_model.h"
#include "runtime/precision.h"
#include "train/batch_stream.h"
#include "train/export_metadata.h"
#include "util/log.h"

namespace sds::train {
namespace {

ExportedModel exportedModel(const models::StableDiffusionModel& model) {
  ExportedModel m;
  m.family = model.family == models::ModelFamily::SDXL ? "sdxl" : model.family == models::ModelFamily::SD2 ? "sd2" : "sd1";
  m.vPrediction = model.scheduler.predictionType == "v_prediction";
  return m;
}

}  // namespace

std::vector<std::string> exportTrainedModel(models::StableDiffusionModel& model, const TrainSettings& s) {
  namespace fs = std::filesystem;
  const fs::path run(s.outputDirectory);
  const c10::ScalarType dtype = runtime::scalarTypeOf(s.savePrecision).value_or(c10::kFloat);
  // Files that leave the machine name the project and the base model, never a local path.
  const std::map<std::string, std::string> metadata{{"sdstudio.project", s.name},
                                                    {"sdstudio.max_steps", std::to_string(s.maxSteps)}};
  const ExportedModel exported = exportedModel(model);
  const std::string date = isoDateNow();
  std::vector<std::string> written;
  if (s.method == "vae") {
    const std::string folder = (run / "vae").string();
    models::saveAutoencoderKl(*model.vae, folder, dtype);
    written.push_back(folder);
  } else if (s.method == "lora") {
    std::map<std::string, std::string> loraMetadata = loraFileMetadata(s, exported, identifyBaseModel(s), date);
    loraMetadata.insert(metadata.begin(), metadata.end());
    if (s.loraFormat != "peft") {
      const std::string path = (run / (s.name + ".safetensors")).string();
      models::saveLora(model, path, models::LoraFormat::Kohya, dtype, loraMetadata);
      written.push_back(path);
    }
    if (s.loraFormat != "kohya") {
      const std::string path = (run / (s.name + "-peft.safetensors")).string();
      models::saveLora(model, path, models::LoraFormat::Peft, dtype, loraMetadata);
      written.push_back(path);
    }
  } else {
    if (s.modelFormat != "single_file") {
      const std::string folder = (run / "model").string();
      models::saveDiffusersModel(model, folder, dtype);
      written.push_back(folder);
    }
    if (s.modelFormat != "diffusers") {
      const std::string path = (run / (s.name + ".safetensors")).string();
      std::map<std::string, std::string> fileMetadata = checkpointFileMetadata(s, exported, date);
      fileMetadata.insert(metadata.begin(), metadata.end());
      models::saveSingleFileModel(model, path, dtype, fileMetadata);
      written.push_back(path);
    }
  }
  return written;
}

void calibrateVaeScaling(models::StableDiffusionModel& model, BatchStream& stream, const TrainSettings& s) {
  torch::NoGradGuard noGrad;
  const bool training = model.vae->is_training();
  model.vae->eval();
  const c10::Device device = model.vae->encoder->conv_in->weight.device();
  const c10::ScalarType dtype = model.vae->encoder->conv_in->weight.scalar_type();
  const std::size_t batches = std::min<std::size_t>(16, std::max<std::size_t>(1, stream.epochBatches()));
  std::vector<at::Tensor> latents;
  torch::manual_seed(s.seed);
  for (std::size_t i = 0; i < batches; ++i) {
    const at::Tensor pixels = stream.next().pixels.to(device, dtype);
    latents.push_back(model.vae->encode(pixels).sample().to(torch::kFloat32).cpu());
  }
  const double std = torch::cat(latents).std().item<double>();
  model.vae->train(training);
  if (!(std > 0) || !std::isfinite(std)) {
    log::warn(c10::str("the VAE's latents have standard deviation ", std, "; its scaling factor stays ",
                       model.vae->config.scalingFactor));
    return;
  }
  model.vae->config.scalingFactor = 1.0 / std;
  log::info(c10::str("VAE scaling factor set to ", model.vae->config.scalingFactor, " (latent std ", std, ")"));
}

}  // namespace sds::train
