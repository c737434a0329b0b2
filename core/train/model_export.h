#pragma once
// What a finished run leaves behind, in output.save_precision:
//  * full: the model as a diffusers folder (<run>/model) and/or one original-layout checkpoint
//    (<run>/<name>.safetensors), as output.model_format says;
//  * lora: the adapters as <run>/<name>.safetensors (kohya layout) and/or <run>/<name>-peft.safetensors;
//  * vae: the autoencoder as a VAE folder (<run>/vae), which model.vae of another project can name.

#include <string>
#include <vector>

#include "models/stable_diffusion.h"
#include "train/train_settings.h"

namespace sds::train {

class BatchStream;

// Returns the paths written.
std::vector<std::string> exportTrainedModel(models::StableDiffusionModel& model, const TrainSettings& settings);

// Sets the VAE's scaling factor to 1 / std of its latents over the next training batches (at most 16),
// as Stable Diffusion chose 0.18215, so the diffusion model sees latents of unit variance.
void calibrateVaeScaling(models::StableDiffusionModel& model, BatchStream& stream, const TrainSettings& settings);

}  // namespace sds::train
