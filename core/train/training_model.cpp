#include "train/training_model.h"

#include <torch/torch.h>

#include <stdexcept>

#include "models/checkpoint_scope.h"
#include "models/lora.h"
#include "models/io/model_loader.h"
#include "models/scratch_model.h"
#include "runtime/device.h"
#include "runtime/precision.h"
#include "util/log.h"

namespace sds::train {

Placement choosePlacement(const TrainSettings& s) {
  Placement p;
  try {
    p.device = runtime::resolveDevice(s.device, "training.device = \"" + s.device + "\"");
  } catch (const runtime::DeviceUnavailable& e) {
    throw std::runtime_error(std::string(e.what()) + "; " + e.hint);
  }
  const bool cuda = p.device.is_cuda();
  if (!cuda) {
    if (s.precision != "fp32")
      log::info("training on the CPU in fp32 (training.precision = \"" + s.precision + "\" applies to GPUs)");
    return p;
  }
  p.dtype = runtime::scalarTypeOf(s.precision).value_or(c10::kFloat);
  p.lossScaling = p.dtype == c10::kHalf;
  p.channelsLast = s.channelsLast == "on" || (s.channelsLast == "auto" && s.batchSize >= kChannelsLastFromBatch);
  return p;
}

models::StableDiffusionModel loadBaseModel(const TrainSettings& s) {
  models::StableDiffusionModel model;
  if (s.fromScratch) {
    if (s.architecture == "auto")
      throw std::invalid_argument("model.architecture must name the architecture when model.init is \"scratch\"");
    model = models::createScratchModel(s.architecture, s.seed);
  } else {
    if (s.modelPath.empty())
      throw std::invalid_argument("model.path is empty: name the base model (a diffusers folder or .safetensors file)");
    models::ModelLoadOptions options;
    if (s.predictionType != "auto") options.predictionType = s.predictionType;
    model = models::loadModel(s.modelPath, c10::kFloat, options);
  }
  if (!s.vaePath.empty()) {
    const double scaling = model.vae->config.scalingFactor;
    model.vae = models::loadVae(s.vaePath, model.family);
    log::info(c10::str("VAE from ", s.vaePath, " (scaling factor ", model.vae->config.scalingFactor,
                       ", the model's was ", scaling, ")"));
  }
  if (s.predictionType != "auto") model.scheduler.predictionType = s.predictionType;
  if (s.zeroTerminalSnr) model.scheduler.rescaleBetasZeroSnr = true;
  return model;
}

std::vector<Component> componentsOf(models::StableDiffusionModel& model) {
  std::vector<Component> c;
  if (model.unet) c.push_back({"unet.", model.unet.get()});
  if (model.textEncoder) c.push_back({"text_encoder.", model.textEncoder.get()});
  if (model.textEncoder2) c.push_back({"text_encoder_2.", model.textEncoder2.get()});
  if (model.vae) c.push_back({"vae.", model.vae.get()});
  return c;
}

NamedParameters allParameters(models::StableDiffusionModel& model) {
  NamedParameters all;
  for (const Component& c : componentsOf(model))
    for (const auto& item : c.module->named_parameters()) all.emplace_back(c.prefix + item.key(), item.value());
  return all;
}

namespace {

NamedParameters trainableOf(const Component& c) {
  NamedParameters out;
  for (const auto& item : c.module->named_parameters())
    if (item.value().requires_grad()) out.emplace_back(c.prefix + item.key(), item.value());
  return out;
}

// lora.target_modules names the UNet's layers; text encoders get adapters on every linear layer of
// their attention and MLP, as kohya's scripts give them.
const std::vector<std::string> kTextEncoderLoraTargets{"q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"};

void unfreeze(torch::nn::Module& module, const TrainSettings& s, bool textEncoder) {
  if (s.method == "lora") {
    models::LoraOptions options;
    options.rank = s.loraRank;
    options.alpha = s.loraAlpha;
    options.dropout = s.loraDropout;
    options.targets = textEncoder ? kTextEncoderLoraTargets : s.loraTargets;
    models::attachLora(module, options);  // adapters are created trainable
  } else {
    for (at::Tensor& p : module.parameters()) p.set_requires_grad(true);
  }
  module.train();
}

}  // namespace

std::vector<TrainableGroup> prepareTraining(models::StableDiffusionModel& model, const TrainSettings& s) {
  for (const Component& c : componentsOf(model)) {
    for (at::Tensor& p : c.module->parameters()) p.set_requires_grad(false);
    c.module->eval();
  }
  std::vector<TrainableGroup> groups;
  if (s.method == "vae") {
    unfreeze(*model.vae, s, false);
    groups.push_back({"vae", trainableOf({"vae.", model.vae.get()}), false});
    return groups;
  }
  if (s.trainUnet) {
    unfreeze(*model.unet, s, false);
    model.unet->setGradientCheckpointing(
        s.gradientCheckpointing
            ? models::checkpointScopeNamed(s.checkpointingScope).value_or(models::CheckpointScope::All)
            : models::CheckpointScope::None);
    groups.push_back({"unet", trainableOf({"unet.", model.unet.get()}), false});
  }
  if (s.trainTextEncoder) {
    TrainableGroup text{"text_encoders", {}, true};
    for (const Component& c : componentsOf(model)) {
      if (c.prefix.rfind("text_encoder", 0) != 0) continue;
      unfreeze(*c.module, s, true);
      const NamedParameters p = trainableOf(c);
      text.parameters.insert(text.parameters.end(), p.begin(), p.end());
    }
    groups.push_back(std::move(text));
  }
  if (groups.empty())
    throw std::invalid_argument("nothing to train: training.train_unet and training.train_text_encoder are both off");
  return groups;
}

}  // namespace sds::train
