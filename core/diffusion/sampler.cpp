#include "diffusion/sampler.h"

#include <cmath>
#include <stdexcept>

#include "diffusion/samplers.h"

namespace sds::diffusion {

const std::vector<std::string>& samplerNames() {
  static const std::vector<std::string> names{"ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"};
  return names;
}

std::unique_ptr<Sampler> makeSampler(const std::string& name, SchedulerConfig config) {
  if (name == "ddim") return std::make_unique<DdimSampler>(config);
  if (name == "euler") return std::make_unique<EulerSampler>(config, /*ancestral=*/false);
  if (name == "euler_a") return std::make_unique<EulerSampler>(config, /*ancestral=*/true);
  if (name == "dpmpp_2m" || name == "dpmpp_2m_karras") {
    if (name == "dpmpp_2m_karras") config.useKarrasSigmas = true;
    return std::make_unique<DpmSolverSampler>(config);
  }
  throw std::invalid_argument("unknown sampler \"" + name +
                              "\"; expected ddim, euler, euler_a, dpmpp_2m or dpmpp_2m_karras");
}

std::vector<double> spacedTimesteps(const std::string& spacing, int trainTimesteps, int steps, int stepsOffset,
                                    bool roundLinspace) {
  if (steps < 1 || steps > trainTimesteps)
    throw std::invalid_argument("the number of sampling steps must be between 1 and " +
                                std::to_string(trainTimesteps) + ", not " + std::to_string(steps));
  std::vector<double> t;
  if (spacing == "leading") {
    const int ratio = trainTimesteps / steps;
    for (int i = steps - 1; i >= 0; --i) t.push_back(double(i * ratio + stepsOffset));
  } else if (spacing == "linspace") {
    for (int i = steps - 1; i >= 0; --i) {
      // np.linspace(0, T-1, n): the float32 grid diffusers builds for sigma samplers.
      const double v = steps == 1 ? 0.0 : double(trainTimesteps - 1) * i / (steps - 1);
      t.push_back(roundLinspace ? std::nearbyint(v) : double(static_cast<float>(v)));
    }
  } else if (spacing == "trailing") {
    const double ratio = double(trainTimesteps) / steps;
    for (int i = 0; i < steps; ++i) t.push_back(std::nearbyint(trainTimesteps - i * ratio) - 1);
  } else {
    throw std::invalid_argument("unknown timestep spacing \"" + spacing + "\"; expected leading, linspace or trailing");
  }
  return t;
}

double interpolate(const std::vector<double>& values, double x) {
  if (x <= 0) return values.front();
  const double last = double(values.size() - 1);
  if (x >= last) return values.back();
  const auto low = static_cast<std::size_t>(std::floor(x));
  const double w = x - double(low);
  return values[low] + w * (values[low + 1] - values[low]);
}

}  // namespace sds::diffusion
