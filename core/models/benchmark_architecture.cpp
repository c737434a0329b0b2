#include "models/benchmark_architecture.h"

#include <stdexcept>

namespace sds::models {

std::optional<BenchmarkArchitecture> findBenchmarkArchitecture(const std::string& model) {
  if (model == "sd15") return BenchmarkArchitecture{"sd1", "sd15", "epsilon"};
  if (model == "sd21") return BenchmarkArchitecture{"sd2-v", "sd21", "v_prediction"};
  if (model == "sdxl") return BenchmarkArchitecture{"sdxl", "sdxl", "epsilon"};
  if (model == "tiny") return BenchmarkArchitecture{"tiny", "", "epsilon"};
  return std::nullopt;
}

BenchmarkArchitecture benchmarkArchitecture(const std::string& model) {
  if (const auto found = findBenchmarkArchitecture(model)) return *found;
  throw std::invalid_argument("bench --model \"" + model + "\" is not known; expected sd15, sd21, sdxl or tiny");
}

}  // namespace sds::models
