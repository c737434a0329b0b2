#include "config/schema.h"

#include <cmath>
#include <cstdio>

#include "util/i18n.h"
#include "util/text.h"

namespace sds::config {

Schema::Schema(std::vector<Section> sections) : sections_(std::move(sections)) {
  for (Section& section : sections_)
    for (Setting& setting : section.settings) setting.section = section.name;
}

const Section* Schema::findSection(std::string_view name) const {
  for (const Section& section : sections_)
    if (section.name == name) return &section;
  return nullptr;
}

const Setting* Schema::find(std::string_view key) const {
  const auto dot = key.find('.');
  if (dot == std::string_view::npos) return nullptr;
  const Section* section = findSection(key.substr(0, dot));
  if (!section) return nullptr;
  const std::string_view name = key.substr(dot + 1);
  for (const Setting& setting : section->settings)
    if (setting.name == name) return &setting;
  return nullptr;
}

std::vector<const Setting*> Schema::settings() const {
  std::vector<const Setting*> all;
  for (const Section& section : sections_)
    for (const Setting& setting : section.settings) all.push_back(&setting);
  return all;
}

std::vector<std::string> Schema::keys() const {
  std::vector<std::string> keys;
  for (const Setting* setting : settings()) keys.push_back(setting->key());
  return keys;
}

std::string_view typeName(ValueType type) {
  switch (type) {
    case ValueType::Bool: return "boolean";
    case ValueType::Integer: return "integer";
    case ValueType::Float: return "number";
    case ValueType::String: return "text";
    case ValueType::Path: return "path";
    case ValueType::Choice: return "choice";
    case ValueType::StringList: return "list of text";
  }
  return "value";
}

namespace {

std::string formatBound(const Setting& setting, double bound) {
  if (setting.type == ValueType::Integer) return std::to_string(static_cast<long long>(bound));
  std::string s = text::formatDouble(bound);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string describeRange(const Setting& setting) {
  std::string lower, upper;
  if (setting.minimum)
    lower = i18n::format(setting.minimumExclusive ? SDS_TR("Diagnostics", "greater than %1")
                                                  : SDS_TR("Diagnostics", "at least %1"),
                         {formatBound(setting, *setting.minimum)});
  if (setting.maximum)
    upper = i18n::format(setting.maximumExclusive ? SDS_TR("Diagnostics", "less than %1")
                                                  : SDS_TR("Diagnostics", "at most %1"),
                         {formatBound(setting, *setting.maximum)});
  if (!lower.empty() && !upper.empty()) return i18n::format(SDS_TR("Diagnostics", "%1 and %2"), {lower, upper});
  return lower.empty() ? upper : lower;
}

}  // namespace

std::string describeAllowed(const Setting& setting) {
  switch (setting.type) {
    case ValueType::Bool: return SDS_TR("Diagnostics", "true or false");
    case ValueType::Integer: {
      std::string out = SDS_TR("Diagnostics", "an integer");
      if (setting.multipleOf > 1)
        out = i18n::format(SDS_TR("Diagnostics", "a multiple of %1"), {std::to_string(setting.multipleOf)});
      const std::string range = describeRange(setting);
      return range.empty() ? out : out + ", " + range;
    }
    case ValueType::Float: {
      const std::string range = describeRange(setting);
      return range.empty() ? SDS_TR("Diagnostics", "a number")
                           : i18n::format(SDS_TR("Diagnostics", "a number, %1"), {range});
    }
    case ValueType::String:
      return setting.required ? SDS_TR("Diagnostics", "a non-empty text in quotes")
                              : SDS_TR("Diagnostics", "a text in quotes");
    case ValueType::Path:
      return setting.required ? SDS_TR("Diagnostics", "a non-empty path in quotes")
                              : SDS_TR("Diagnostics", "a path in quotes");
    case ValueType::Choice:
      return i18n::format(SDS_TR("Diagnostics", "one of %1"), {text::joinAlternatives(setting.choices)});
    case ValueType::StringList: return SDS_TR("Diagnostics", "a list of texts, like [\"a\", \"b\"]");
  }
  return "";
}

std::string checkValue(const Setting& setting, const Value& value) {
  const std::string expected = i18n::format(SDS_TR("Diagnostics", "expected %1"), {describeAllowed(setting)});
  switch (setting.type) {
    case ValueType::Bool:
      return std::holds_alternative<bool>(value) ? "" : expected;
    case ValueType::Integer:
    case ValueType::Float: {
      double number = 0;
      if (const auto* i = std::get_if<std::int64_t>(&value)) {
        number = static_cast<double>(*i);
        if (setting.multipleOf > 1 && *i % setting.multipleOf != 0) return expected;
      } else if (const auto* d = std::get_if<double>(&value); d && setting.type == ValueType::Float) {
        number = *d;
        if (!std::isfinite(number)) return expected;
      } else {
        return expected;
      }
      if (setting.minimum && (number < *setting.minimum || (setting.minimumExclusive && number == *setting.minimum)))
        return expected;
      if (setting.maximum && (number > *setting.maximum || (setting.maximumExclusive && number == *setting.maximum)))
        return expected;
      return "";
    }
    case ValueType::String:
    case ValueType::Path: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s || (setting.required && s->empty())) return expected;
      return "";
    }
    case ValueType::Choice: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s) return expected;
      for (const std::string& c : setting.choices)
        if (c == *s) return "";
      const std::string suggestion = text::closestMatch(*s, setting.choices);
      if (suggestion.empty()) return expected;
      return i18n::format(SDS_TR("Diagnostics", "%1 (did you mean \"%2\"?)"), {expected, suggestion});
    }
    case ValueType::StringList:
      return std::holds_alternative<StringList>(value) ? "" : expected;
  }
  return expected;
}

namespace {

std::string quoteToml(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace

std::string toTomlLiteral(const Value& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return text::formatDouble(*d);
  if (const auto* s = std::get_if<std::string>(&value)) return quoteToml(*s);
  const auto& list = std::get<StringList>(value);
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + quoteToml(list[i]);
  return out + "]";
}

}  // namespace sds::config
