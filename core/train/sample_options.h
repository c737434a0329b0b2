#pragma once
// What the samples during training are (train/sample_writer.h), torch-free, so that the run's settings
// (train_settings.h) can hold them.

#include <cstdint>
#include <string>
#include <vector>

namespace sds::train {

struct SampleOptions {
  std::int64_t every = 250;  // steps between samples; 0: only on request
  std::vector<std::string> prompts;
  std::string negativePrompt;
  std::uint64_t seed = 1234;
  int steps = 25;
  double guidance = 7.5;
  std::string sampler = "dpmpp_2m_karras";
  int width = 0, height = 0;  // 0: the training resolution
};

}  // namespace sds::train
