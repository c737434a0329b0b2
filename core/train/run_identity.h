#pragma once
// What makes two trainings the same run: the settings a resumed run must share with its checkpoint,
// and, for swarm peers on other machines, the same with the base model named by its weights rather
// than by its path.

#include <string>

#include "models/stable_diffusion.h"
#include "train/train_settings.h"

namespace sds::train {

// "key=value;…" of the method, model path, optimizer, trained parts, EMA and LoRA shape.
std::string runIdentity(const TrainSettings& settings);
// The same with the model named by its weights (the shapes of all, a sample of the values of those not
// trained: the trained ones travel with a shared state) and the precision; any time during training.
std::string portableRunIdentity(const TrainSettings& settings, const models::StableDiffusionModel& model);
// The settings that differ between two identities, as "key: theirs X, ours Y; …".
std::string identityDifference(const std::string& theirs, const std::string& ours);

}  // namespace sds::train
