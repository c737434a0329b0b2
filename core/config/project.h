#pragma once
// A training project: the value of every schema setting, read from and written to a TOML file.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/schema.h"

namespace sds::config {

class Project {
 public:
  // Every setting at its schema default.
  Project();

  const Value& get(std::string_view key) const;  // throws std::out_of_range for unknown keys
  bool getBool(std::string_view key) const;
  std::int64_t getInt(std::string_view key) const;
  double getFloat(std::string_view key) const;
  const std::string& getString(std::string_view key) const;
  const StringList& getList(std::string_view key) const;

  // Sets a value without checking its range (so editors can hold what the user typed);
  // throws std::invalid_argument for an unknown key or a value of the wrong type.
  void set(std::string_view key, Value value);

  const std::map<std::string, Value>& values() const { return values_; }
  bool operator==(const Project& other) const { return values_ == other.values_; }
  bool operator!=(const Project& other) const { return !(*this == other); }

 private:
  std::map<std::string, Value> values_;
};

struct Position {
  int line = 0;
  int column = 0;
};

struct LoadResult {
  Project project;                        // what could be read; defaults for the rest
  std::vector<Diagnostic> diagnostics;    // every problem of the file, in file order
  std::map<std::string, Position> positions;  // where each key (and section) was written
  bool ok() const { return !hasErrors(diagnostics); }
};

// Parses project-file text. `fileName` is used in messages only.
LoadResult parseProject(std::string_view text, const std::string& fileName);

// Reads and parses a file; an unreadable file is one diagnostic, never an exception.
LoadResult loadProject(const std::string& path);

// Rules that involve more than one setting (each value's own range is checked by checkValue).
// Positions are taken from `positions` when given.
std::vector<Diagnostic> checkProject(const Project& project, const std::string& fileName = {},
                                     const std::map<std::string, Position>& positions = {});

// The complete project file: every section and setting, each with its help text and allowed values
// as comments. Parsing the result gives back an identical project.
std::string writeProject(const Project& project);

// Writes atomically; throws std::runtime_error naming the file and the reason.
void saveProject(const Project& project, const std::string& path);

// Version of the TOML library that reads project files ("3.3.0").
std::string tomlLibraryVersion();

// Markdown reference of every setting, generated from the schema (docs/configuration.md).
std::string markdownReference();

}  // namespace sds::config
