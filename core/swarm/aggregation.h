#pragma once
// How a reducer combines the contributions to its part: the weighted mean, or CenteredClip, which
// bounds what any one contribution can do to the result (Karimireddy et al., "Learning from History
// for Byzantine Robust Optimization", 2021), for swarms that admit peers they do not trust.

#include <cstddef>
#include <vector>

namespace sds::swarm {

struct Contribution {
  const float* values = nullptr;  // n values
  double weight = 1.0;            // samples behind them; > 0
};

// out = Σ wᵢ xᵢ / Σ wᵢ, accumulated in double.
void weightedMean(const std::vector<Contribution>& parts, std::size_t n, float* out);

struct CenteredClipOptions {
  double tau = 1.0;           // the clipping radius, in the L2 norm of a part
  int maxIterations = 50;
  double tolerance = 1e-7;    // stop when the estimate moves less than this (L2)
};

// Starts from the coordinate-wise median and iterates v ← v + Σ wᵢ·min(1, τ/‖xᵢ − v‖)·(xᵢ − v) / Σ wᵢ.
// When no contribution is ever clipped (τ larger than every distance) the result is the weighted mean.
void centeredClip(const std::vector<Contribution>& parts, std::size_t n, float* out, const CenteredClipOptions& options);

}  // namespace sds::swarm
