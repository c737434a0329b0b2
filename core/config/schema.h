#pragma once
// The project-file schema: the one place that defines every setting of a training project — its
// section, name, type, default, allowed range or values, label and help text. The CLI
// (`sdtrain config defaults/check/docs`), the GUI's Project page and docs/configuration.md are all
// generated from it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sds::config {

enum class ValueType {
  Bool,
  Integer,
  Float,
  String,
  Path,        // a string naming a file or folder; relative paths are relative to the project file
  Choice,      // a string from a fixed list
  StringList,  // an array of strings
};

using StringList = std::vector<std::string>;
using Value = std::variant<bool, std::int64_t, double, std::string, StringList>;

struct Setting {
  std::string section;
  std::string name;
  ValueType type = ValueType::String;
  Value defaultValue;
  std::optional<double> minimum;  // numeric types
  std::optional<double> maximum;
  bool minimumExclusive = false;
  bool maximumExclusive = false;
  std::int64_t multipleOf = 0;     // Integer: value must be a multiple of this (0: any)
  StringList choices;              // Choice
  bool required = false;           // String/Path: must not be empty
  const char* label = "";          // short English label, translated by the GUI
  const char* help = "";           // English help text, translated by the GUI

  std::string key() const { return section + "." + name; }
};

struct Section {
  std::string name;
  const char* title = "";
  const char* help = "";
  std::vector<Setting> settings;
};

class Schema {
 public:
  // The schema of SD Studio project files.
  static const Schema& project();

  explicit Schema(std::vector<Section> sections);

  const std::vector<Section>& sections() const { return sections_; }
  const Section* findSection(std::string_view name) const;
  const Setting* find(std::string_view key) const;  // "section.name"
  std::vector<const Setting*> settings() const;     // in schema order
  std::vector<std::string> keys() const;

 private:
  std::vector<Section> sections_;
};

// "a number greater than 0 and at most 1", "one of \"fp32\", \"bf16\" or \"fp16\"", …
std::string describeAllowed(const Setting& setting);

// Empty when `value` is allowed for `setting`, else a message saying what is wrong and what is allowed.
std::string checkValue(const Setting& setting, const Value& value);

// The value as a TOML literal: true, 42, 1e-05, "text", ["a", "b"].
std::string toTomlLiteral(const Value& value);

// Type name for messages and docs: "boolean", "integer", "number", "text", "path", "choice", "list of text".
std::string_view typeName(ValueType type);

}  // namespace sds::config
