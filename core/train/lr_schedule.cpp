#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sds::train {

LrSchedule::LrSchedule(LrScheduleOptions options) : o_(std::move(options)) {
  static const char* types[] = {"constant", "constant_with_warmup", "linear", "cosine", "cosine_with_restarts",
                                "polynomial"};
  if (std::find(std::begin(types), std::end(types), o_.type) == std::end(types))
    throw std::invalid_argument("lr_schedule.type \"" + o_.type +
                                "\" is unknown; expected constant, constant_with_warmup, linear, cosine, "
                                "cosine_with_restarts or polynomial");
  if (o_.warmupSteps < 0 || o_.totalSteps < 1) throw std::invalid_argument("lr_schedule: steps must be positive");
  if (o_.type == "polynomial" && o_.endLearningRate > o_.learningRate)
    throw std::invalid_argument("lr_schedule.end_learning_rate must not exceed the learning rate");
}

double LrSchedule::at(std::int64_t step) const {
  const double lr = o_.learningRate;
  if (o_.type == "constant") return lr;
  if (step < o_.warmupSteps) return lr * static_cast<double>(step) / static_cast<double>(std::max<std::int64_t>(1, o_.warmupSteps));
  if (o_.type == "constant_with_warmup") return lr;
  const double decaySteps = static_cast<double>(std::max<std::int64_t>(1, o_.totalSteps - o_.warmupSteps));
  const double progress = static_cast<double>(step - o_.warmupSteps) / decaySteps;
  constexpr double pi = 3.14159265358979323846;
  if (o_.type == "linear") return lr * std::max(0.0, static_cast<double>(o_.totalSteps - step) / decaySteps);
  if (o_.type == "cosine") return lr * std::max(0.0, 0.5 * (1.0 + std::cos(pi * progress)));
  if (o_.type == "cosine_with_restarts") {
    if (progress >= 1.0) return 0.0;
    return lr * std::max(0.0, 0.5 * (1.0 + std::cos(pi * std::fmod(o_.cycles * progress, 1.0))));
  }
  // polynomial: from lr down to end_learning_rate, then held there.
  if (step > o_.totalSteps) return o_.endLearningRate;
  const double remaining = 1.0 - progress;
  return (lr - o_.endLearningRate) * std::pow(remaining, o_.power) + o_.endLearningRate;
}

}  // namespace sds::train
