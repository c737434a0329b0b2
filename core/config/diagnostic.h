#pragma once
// A problem found in a project file, with enough context for a person to fix it.

#include <string>
#include <vector>

namespace sds::config {

struct Diagnostic {
  enum class Severity { Error, Warning };

  Severity severity = Severity::Error;
  std::string file;  // may be empty for projects that were never saved
  int line = 0;      // 1-based; 0 when the key is not in the file (a default was used)
  int column = 0;
  std::string key;   // "optimizer.learning_rate", "optimizer", or "" for syntax errors
  std::string message;

  bool isError() const { return severity == Severity::Error; }

  // "demo.toml:12:17: error: optimizer.learning_rate: expected a number greater than 0 ..."
  std::string format() const;
};

void sortByPosition(std::vector<Diagnostic>& diagnostics);
bool hasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace sds::config
