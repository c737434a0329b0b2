#include "axis_range.h"

#include <algorithm>
#include <cmath>

namespace sds::widgets {
namespace {

constexpr double kMargin = 0.05;        // of the data's span, on each side (linear axes)
constexpr double kLogFactor = 1.2;      // below and above the data (log axes)
constexpr double kConstantBand = 0.1;   // of a constant's magnitude, on each side (linear axes)
constexpr double kRelativeFlat = 1e-9;  // a span this small beside the values is a constant

}  // namespace

AxisRange paddedAxisRange(double lower, double upper, bool logarithmic) {
  if (lower > upper) std::swap(lower, upper);
  if (logarithmic) {
    // A factor on each side widens a constant as well: log axes never collapse.
    return {lower / kLogFactor, upper * kLogFactor};
  }
  const double magnitude = std::max(std::abs(lower), std::abs(upper));
  const double span = upper - lower;
  if (span <= magnitude * kRelativeFlat) {
    const double centre = lower + span / 2;
    const double half = magnitude > 0 ? magnitude * kConstantBand : 1.0;
    return {centre - half, centre + half};
  }
  return {lower - span * kMargin, upper + span * kMargin};
}

}  // namespace sds::widgets
