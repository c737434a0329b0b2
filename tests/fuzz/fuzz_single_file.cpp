// Untrusted single-file checkpoints (the original LDM layout A1111 and ComfyUI users share): the
// family is detected and every component's config derived from key names and shapes, then the model
// built and its weights gathered under the converted names. Whatever the bytes, the file is refused
// with io::ConfigError, io::SafetensorsError or WeightsError, or a whole model comes back; a file of a
// few kilobytes must never make the loader allocate more than a small multiple of its own values.
// The reader maps files, so each input is written to a temporary file first.

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/config_error.h"
#include "io/safetensors.h"
#include "models/io/single_file_model.h"
#include "models/io/weights.h"
#include "input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool oneThread = (at::set_num_threads(1), true);
  (void)oneThread;
  const std::string path = sds::fuzz::writeInputFile("single-file", ".safetensors", data, size);
  try {
    const sds::models::StableDiffusionModel model = sds::models::loadSingleFileModel(path, torch::kFloat32);
    if (!model.unet || !model.vae || !model.textEncoder || !model.tokenizer) std::abort();
  } catch (const sds::io::ConfigError&) {
  } catch (const sds::io::SafetensorsError&) {
  } catch (const sds::models::WeightsError&) {
  }
  std::remove(path.c_str());
  return 0;
}
