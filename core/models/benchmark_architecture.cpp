#include "models/benchmark_architecture.h"

#include <stdexcept>

namespace sds::models {

BenchmarkArchitecture benchmarkArchitecture(const std::string& model) {
  if (model == "sd15") return {"sd1", "sd15", "epsilon"};
  if (model == "sd21") return {"sd2-v", "sd21", "v_prediction"};
  if (model == "sdxl") return {"sdxl", "sdxl", "epsilon"};
  if (model == "tiny") return {"tiny", "", "epsilon"};
  throw std::invalid_argument("bench --model \"" + model + "\" is not known; expected sd15, sd21, sdxl or tiny");
}

}  // namespace sds::models
