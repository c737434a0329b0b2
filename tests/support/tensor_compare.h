#pragma once
// Comparing model outputs with golden tensors. Include after torch and QtTest.

#include <QString>
#include <QtTest>

#include <algorithm>
#include <string>

#include "fixtures.h"

// Largest absolute difference relative to the largest reference magnitude, as the fixtures README
// states its tolerances.
inline double relativeError(const at::Tensor& actual, const at::Tensor& expected) {
  const at::Tensor a = actual.to(torch::kFloat64), e = expected.to(torch::kFloat64);
  return (a - e).abs().max().item<double>() / std::max(e.abs().max().item<double>(), 1e-30);
}

inline std::string fixturePath(const QString& relative) { return fixture(relative).toStdString(); }

// The rows of a parity test run in both precisions: columns dtype (a c10::ScalarType as int) and
// bound. float64 must agree to the goldens' float32 storage; float32 to ~1e-4.
inline void addPrecisionRows() {
  QTest::addColumn<int>("dtype");
  QTest::addColumn<double>("bound");
  QTest::newRow("float64") << int(torch::kFloat64) << 1e-6;
  QTest::newRow("float32") << int(torch::kFloat32) << 1e-4;
}

#define COMPARE_CLOSE(actual, expected, bound)                                             \
  do {                                                                                     \
    const double error_ = relativeError(actual, expected);                                 \
    QVERIFY2(error_ < (bound), qPrintable(QString("relative error %1").arg(error_)));      \
  } while (false)
