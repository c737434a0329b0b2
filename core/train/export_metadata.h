#pragma once
// What the files a run exports say about themselves, in the keys the community's tools read: kohya's
// ss_* training metadata (A1111, ComfyUI and sd-scripts show it) and Stability AI's modelspec.* keys.
// A file that is shared must never carry a local path: the base model is named by its file or folder
// name and identified by hash. Torch-free.

#include <map>
#include <string>

#include "train/train_settings.h"

namespace sds::train {

// The trained model as export sees it.
struct ExportedModel {
  std::string family;  // sd1, sd2, sdxl
  bool vPrediction = false;
};

// The base model without its path: its file or folder name ("scratch-<architecture>" from scratch) and,
// for a single-file base, the SHA-256 of the file and A1111's legacy 8-digit hash.
struct BaseModelIdentity {
  std::string name;
  std::string sha256, legacyHash;  // empty for a folder or from scratch
};
BaseModelIdentity identifyBaseModel(const TrainSettings& settings);

// kohya's and modelspec keys for a LoRA file (ss_network_dim and ss_network_alpha come from the adapters).
// `date` is ISO 8601.
std::map<std::string, std::string> loraFileMetadata(const TrainSettings& settings, const ExportedModel& model,
                                                    const BaseModelIdentity& base, const std::string& date);

// modelspec keys for a single-file checkpoint.
std::map<std::string, std::string> checkpointFileMetadata(const TrainSettings& settings, const ExportedModel& model,
                                                          const std::string& date);

// The current local time as ISO 8601 without fractions ("2026-12-03T14:05:09").
std::string isoDateNow();

}  // namespace sds::train
