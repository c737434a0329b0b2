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

#define COMPARE_CLOSE(actual, expected, bound)                                             \
  do {                                                                                     \
    const double error_ = relativeError(actual, expected);                                 \
    QVERIFY2(error_ < (bound), qPrintable(QString("relative error %1").arg(error_)));      \
  } while (false)
