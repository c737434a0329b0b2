// Untrusted LoRA files (kohya's and diffusers'/PEFT's layouts, their metadata scales) applied to a
// model: the file is refused with WeightsError or io::SafetensorsError and the model is left without
// any adapter, or every adapter it attaches fits its layer with a finite scale. The adapters of a file
// that loads are taken off again, so each input meets the same model.
// The reader maps files, so each input is written to a temporary file first.

#include <torch/torch.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "models/io/lora_files.h"
#include "models/io/weights.h"
#include "models/lora.h"
#include "models/scratch_model.h"
#include "input_file.h"

namespace {

// Takes every adapter off the model and returns how many there were; aborts on one that does not fit
// its layer or has no rank or no finite scale.
std::size_t removeAdapters(torch::nn::Module& root) {
  std::vector<std::shared_ptr<torch::nn::Module>> adapted;
  for (const auto& module : root.modules())
    if (const sds::models::LoraAdapterImpl* adapter = sds::models::adapterOf(*module)) {
      const at::Tensor& weight = module->as<torch::nn::LinearImpl>()->weight;
      if (adapter->rank <= 0 || !std::isfinite(adapter->alpha) || adapter->down->weight.size(1) != weight.size(1) ||
          adapter->up->weight.size(0) != weight.size(0))
        std::abort();
      adapted.push_back(module);
    }
  for (const auto& module : adapted) module->unregister_module("lora");
  return adapted.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static sds::models::StableDiffusionModel model = [] {
    at::set_num_threads(1);
    return sds::models::createScratchModel("tiny", 0);
  }();
  const std::string path = sds::fuzz::writeInputFile("lora", ".safetensors", data, size);
  std::size_t attached = 0;
  try {
    attached = sds::models::loadLora(model, path);
  } catch (const sds::models::WeightsError&) {
  } catch (const sds::io::SafetensorsError&) {
  }
  const std::size_t removed = removeAdapters(*model.unet) + removeAdapters(*model.textEncoder);
  if (removed != attached) std::abort();  // a refused file must leave no adapter behind
  std::remove(path.c_str());
  return 0;
}
