#pragma once
// Starting points for the common runs: LoRA on SD 1.5 and on SDXL for graphics cards of 8, 12 and
// 24 GB, and a full fine-tune of SD 1.5 for 12 and 24 GB (on 8 GB it does not fit, see presets.cpp). A preset sets the training settings only (method,
// batch, resolution, precision, memory savers, learning rate); the base model, the images and the
// run's name stay the user's. The studio offers them on its first page, `sdtrain config defaults
// --preset ID` writes a project from one, and `sdtrain bench --preset ID` measures the memory its
// training step needs (packaging/gpu/presets.sh, figures in docs/presets.md).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/project.h"

namespace sds::config {

struct Preset {
  std::string id;           // "lora-sd15-8gb"
  const char* title = "";   // "LoRA on SD 1.5", translated by front ends (context "Preset")
  const char* summary = ""; // one sentence on what it trades, translated likewise
  int cardGiB = 0;          // the card it is tuned for: 8, 12 or 24
  std::string bench;        // the model shape `sdtrain bench` measures it on: sd15 or sdxl
  std::vector<std::pair<std::string, Value>> values;
  // Peak GPU memory of its training step (bf16, cached latents) as measured with `sdtrain bench
  // --preset ID` on the GPU machine; docs/presets.md has the table with date and hardware.
  double measuredGiB = 0;
};

const std::vector<Preset>& presets();
const Preset* findPreset(std::string_view id);
// "lora-sd15-8gb, lora-sd15-12gb, …" for messages.
std::string presetIds();

// The project with the preset's settings; everything else (model, dataset, name, output) unchanged.
Project applyPreset(const Preset& preset, Project project);

}  // namespace sds::config
