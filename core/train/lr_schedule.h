#pragma once
// Learning-rate schedules, with the formulas of diffusers' get_scheduler (which the training scripts
// people compare against use): the rate for optimizer step `step` (0-based). Torch-free.

#include <cstdint>
#include <string>

namespace sds::train {

struct LrScheduleOptions {
  std::string type = "constant";  // constant, constant_with_warmup, linear, cosine, cosine_with_restarts, polynomial
  double learningRate = 1e-5;
  std::int64_t warmupSteps = 0;
  std::int64_t totalSteps = 1;
  int cycles = 1;            // cosine_with_restarts: number of hard restarts
  double power = 1.0;        // polynomial
  double endLearningRate = 1e-7;  // polynomial
};

class LrSchedule {
 public:
  // Throws std::invalid_argument for an unknown type or inconsistent values, naming them.
  explicit LrSchedule(LrScheduleOptions options);
  double at(std::int64_t step) const;
  const LrScheduleOptions& options() const { return o_; }

 private:
  LrScheduleOptions o_;
};

}  // namespace sds::train
