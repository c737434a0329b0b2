#pragma once
// The range a chart axis shows for data spanning [lower, upper]. QCustomPlot's own rescaling keeps
// the axis's previous width around a constant series (a constant learning rate of 1e-5 on an axis
// of −2…2), so the charts compute the range here: a margin around the data, and around a constant a
// band proportional to the value, so that the value itself reads off the axis.

namespace sds::widgets {

struct AxisRange {
  double lower = 0;
  double upper = 1;
};

// `logarithmic`: the axis is on a log scale; lower and upper must then be positive.
AxisRange paddedAxisRange(double lower, double upper, bool logarithmic);

}  // namespace sds::widgets
