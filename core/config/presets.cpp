#include "config/presets.h"

// Marks the texts for Qt's lupdate; core itself stays free of Qt.
#define QT_TRANSLATE_NOOP(context, text) text

namespace sds::config {
namespace {

using Values = std::vector<std::pair<std::string, Value>>;

Values lora(std::int64_t rank, std::int64_t batch, bool checkpointing, std::int64_t resolution) {
  return {{"training.method", std::string("lora")},
          {"training.batch_size", batch},
          {"training.gradient_checkpointing", checkpointing},
          {"training.precision", std::string("bf16")},
          {"lora.rank", rank},
          {"lora.alpha", double(rank) / 2},
          {"optimizer.type", std::string("adamw")},
          {"optimizer.learning_rate", 1e-4},
          {"resolution.size", resolution},
          {"resolution.min_bucket_side", resolution / 2},
          {"resolution.max_bucket_side", resolution * 2}};
}

Values full(std::int64_t batch, bool checkpointing, const char* optimizer) {
  return {{"training.method", std::string("full")},
          {"training.batch_size", batch},
          {"training.gradient_checkpointing", checkpointing},
          {"training.precision", std::string("bf16")},
          {"optimizer.type", std::string(optimizer)},
          {"optimizer.learning_rate", 1e-5},
          {"resolution.size", std::int64_t(512)},
          {"resolution.min_bucket_side", std::int64_t(256)},
          {"resolution.max_bucket_side", std::int64_t(1024)}};
}

std::vector<Preset> makePresets() {
  const char* loraSd15 = QT_TRANSLATE_NOOP("Preset", "LoRA on SD 1.5");
  const char* loraSdxl = QT_TRANSLATE_NOOP("Preset", "LoRA on SDXL");
  const char* fullSd15 = QT_TRANSLATE_NOOP("Preset", "Full fine-tune of SD 1.5");
  // Measured with packaging/gpu/presets.sh on an H200 (docs/presets.md). A full fine-tune of SD 1.5
  // needs 8.3 GiB even at batch 1 with checkpointing and 8-bit AdamW, more than an 8 GB card holds,
  // so there is no such preset: on 8 GB cards, LoRA.
  return {
      {"lora-sd15-8gb", loraSd15, QT_TRANSLATE_NOOP("Preset", "Rank 16, 2 images per step, 512 px."), 8, "sd15",
       lora(16, 2, false, 512), 3.21},
      {"lora-sd15-12gb", loraSd15, QT_TRANSLATE_NOOP("Preset", "Rank 32, 8 images per step, 512 px."), 12, "sd15",
       lora(32, 8, false, 512), 7.71},
      {"lora-sd15-24gb", loraSd15, QT_TRANSLATE_NOOP("Preset", "Rank 64, 16 images per step, 512 px."), 24, "sd15",
       lora(64, 16, false, 512), 13.88},
      {"lora-sdxl-8gb", loraSdxl,
       QT_TRANSLATE_NOOP("Preset", "Rank 16, 1 image per step, gradient checkpointing, 1024 px."), 8, "sdxl",
       lora(16, 1, true, 1024), 6.10},
      {"lora-sdxl-12gb", loraSdxl,
       QT_TRANSLATE_NOOP("Preset", "Rank 32, 4 images per step, gradient checkpointing, 1024 px."), 12, "sdxl",
       lora(32, 4, true, 1024), 8.72},
      {"lora-sdxl-24gb", loraSdxl,
       QT_TRANSLATE_NOOP("Preset", "Rank 32, 8 images per step, gradient checkpointing, 1024 px."), 24, "sdxl",
       lora(32, 8, true, 1024), 11.84},
      {"full-sd15-12gb", fullSd15,
       QT_TRANSLATE_NOOP("Preset", "8 images per step, gradient checkpointing, 8-bit AdamW, 512 px."), 12, "sd15",
       full(8, true, "adamw8bit"), 9.06},
      {"full-sd15-24gb", fullSd15,
       QT_TRANSLATE_NOOP("Preset", "32 images per step, gradient checkpointing, AdamW, 512 px."), 24, "sd15",
       full(32, true, "adamw"), 16.87},
  };
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = makePresets();
  return all;
}

const Preset* findPreset(std::string_view id) {
  for (const Preset& preset : presets())
    if (preset.id == id) return &preset;
  return nullptr;
}

std::string presetIds() {
  std::string ids;
  for (const Preset& preset : presets()) ids += (ids.empty() ? "" : ", ") + preset.id;
  return ids;
}

Project applyPreset(const Preset& preset, Project project) {
  for (const auto& [key, value] : preset.values) project.set(key, value);
  return project;
}

}  // namespace sds::config
