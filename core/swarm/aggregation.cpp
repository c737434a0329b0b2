#include "swarm/aggregation.h"

#include <algorithm>
#include <cmath>

namespace sds::swarm {

void weightedMean(const std::vector<Contribution>& parts, std::size_t n, float* out) {
  double total = 0;
  for (const Contribution& c : parts) total += c.weight;
  for (std::size_t i = 0; i < n; ++i) {
    double sum = 0;
    for (const Contribution& c : parts) sum += c.weight * static_cast<double>(c.values[i]);
    out[i] = static_cast<float>(sum / total);
  }
}

void centeredClip(const std::vector<Contribution>& parts, std::size_t n, float* out,
                  const CenteredClipOptions& options) {
  if (parts.empty()) return;
  std::vector<double> estimate(n);
  std::vector<float> column(parts.size());
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < parts.size(); ++k) column[k] = parts[k].values[i];
    const auto middle = column.begin() + static_cast<long>(column.size() / 2);
    std::nth_element(column.begin(), middle, column.end());
    estimate[i] = *middle;
  }
  double total = 0;
  for (const Contribution& c : parts) total += c.weight;
  std::vector<double> step(n);
  for (int iteration = 0; iteration < options.maxIterations; ++iteration) {
    std::fill(step.begin(), step.end(), 0.0);
    for (const Contribution& c : parts) {
      double norm2 = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double d = c.values[i] - estimate[i];
        norm2 += d * d;
      }
      const double norm = std::sqrt(norm2);
      const double scale = c.weight * (norm > options.tau ? options.tau / norm : 1.0) / total;
      for (std::size_t i = 0; i < n; ++i) step[i] += scale * (c.values[i] - estimate[i]);
    }
    double moved2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      estimate[i] += step[i];
      moved2 += step[i] * step[i];
    }
    if (std::sqrt(moved2) < options.tolerance) break;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(estimate[i]);
}

}  // namespace sds::swarm
