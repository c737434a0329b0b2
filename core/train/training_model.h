#pragma once
// The model a run trains: loaded or created from scratch, placed on its device and dtype, with the
// trained parts unfrozen (or given LoRA adapters) and their parameters gathered for the optimizer.

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <string>
#include <utility>
#include <vector>

#include "models/stable_diffusion.h"
#include "train/train_settings.h"

namespace sds::train {

// At smaller batches the step is bound by launching kernels, and channels-last's group norms launch more.
constexpr int kChannelsLastFromBatch = 8;

struct Placement {
  c10::Device device = c10::kCPU;
  c10::ScalarType dtype = c10::kFloat;
  bool lossScaling = false;  // fp16
  bool channelsLast = false;  // the UNet's weights and input in channels-last layout (training.channels_last)
};

// The device from training.device and the dtype from training.precision; the CPU trains in float32
// (its bf16 kernels are slow and it has no fp16 ones), which is logged when another was asked for.
// Channels-last from training.channels_last: "auto" takes it on a GPU for batches of
// kChannelsLastFromBatch images or more, where it was measured faster.
Placement choosePlacement(const TrainSettings& settings);

// The base model: model.path loaded, or model.architecture created from the seed; model.vae replacing
// its VAE; model.prediction_type and training.zero_terminal_snr applied to its schedule. float32, CPU.
models::StableDiffusionModel loadBaseModel(const TrainSettings& settings);

// A network of the model with the prefix its parameters carry in checkpoints ("unet.", "vae.", …).
struct Component {
  std::string prefix;
  torch::nn::Module* module = nullptr;
};
std::vector<Component> componentsOf(models::StableDiffusionModel& model);

using NamedParameters = std::vector<std::pair<std::string, at::Tensor>>;

struct TrainableGroup {
  std::string name;  // "unet", "text_encoders", "vae": the optimizer state's prefix
  NamedParameters parameters;
  bool textEncoder = false;  // trains at optimizer.text_encoder_learning_rate when that is set
};

// Freezes everything, then unfreezes what training.method / train_unet / train_text_encoder say
// (attaching LoRA adapters for lora), and sets train/eval mode and gradient checkpointing. Parameter
// names carry their component's prefix. Throws std::invalid_argument when nothing would train.
std::vector<TrainableGroup> prepareTraining(models::StableDiffusionModel& model, const TrainSettings& settings);

// Every parameter of the model by prefixed name (for checkpoints of models created from scratch, whose
// frozen parts exist nowhere else).
NamedParameters allParameters(models::StableDiffusionModel& model);

}  // namespace sds::train
