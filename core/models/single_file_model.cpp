#include "models/single_file_model.h"

#include "io/config_error.h"

namespace sds::models {

StableDiffusionModel loadSingleFileModel(const std::string& path, c10::ScalarType, const std::string&) {
  throw io::ConfigError(path + ": single-file checkpoints are not readable yet");
}

}  // namespace sds::models
