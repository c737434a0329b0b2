#pragma once
// The reference fixtures folder (shared/fixtures), found at configure time (tests/CMakeLists.txt).
// A suite calls SDS_REQUIRE_FIXTURES() in initTestCase to skip, saying why, when they are absent.

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QtTest>

inline QString fixturesDir() {
  const QString fromEnvironment = qEnvironmentVariable("SDS_FIXTURES_DIR");
  return fromEnvironment.isEmpty() ? QString(SDS_FIXTURES_DIR) : fromEnvironment;
}

inline QString fixture(const QString& relative) { return QDir(fixturesDir()).filePath(relative); }

inline bool haveFixtures() { return QFileInfo::exists(fixture("README.md")); }

#define SDS_REQUIRE_FIXTURES()                                                                          \
  do {                                                                                                  \
    if (!haveFixtures())                                                                                \
      QSKIP("reference fixtures not found; configure with -DSDS_FIXTURES_DIR=<shared/fixtures>");      \
  } while (false)
