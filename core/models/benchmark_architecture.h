#pragma once
// The model names the benchmarks take (sd15, sd21, sdxl, tiny) and what each stands for: the
// architecture createScratchModel builds, the UNet preset and the prediction type.

#include <optional>
#include <string>

namespace sds::models {

struct BenchmarkArchitecture {
  const char* scratchName;  // for createScratchModel
  const char* unetPreset;   // for UNetConfig::preset; empty: the tiny model's
  const char* prediction;
};

// nullopt for other names.
std::optional<BenchmarkArchitecture> findBenchmarkArchitecture(const std::string& model);

// Throws std::invalid_argument naming the option for other names.
BenchmarkArchitecture benchmarkArchitecture(const std::string& model);

}  // namespace sds::models
