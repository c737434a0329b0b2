// Reads project files with toml++, collecting every problem with its position instead of stopping
// at the first one.

#include "config/toml_value.h"

#include <set>
#include <sstream>

#include "config/project.h"
#include "util/atomic_file.h"
#include "util/i18n.h"
#include "util/text.h"

namespace sds::config {
namespace {

class Reader {
 public:
  Reader(const std::string& fileName, LoadResult& result) : file_(fileName), result_(result) {}

  void readDocument(const toml::table& document) {
    for (auto&& [key, node] : document) {
      const std::string name(key.str());
      const Section* section = Schema::project().findSection(name);
      if (!section) {
        unknownTopLevel(name, key.source(), node);
        continue;
      }
      if (!node.is_table()) {
        error(key.source(), name,
              i18n::format(SDS_TR("Diagnostics", "expected a section [%1] with settings, not a single value"), {name}));
        continue;
      }
      result_.positions[name] = position(key.source());
      readSection(*section, *node.as_table());
    }
  }

 private:
  static Position position(const toml::source_region& region) {
    return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }

  void error(const toml::source_region& region, const std::string& key, const std::string& message) {
    Diagnostic d;
    d.file = file_;
    d.line = static_cast<int>(region.begin.line);
    d.column = static_cast<int>(region.begin.column);
    d.key = key;
    d.message = message;
    result_.diagnostics.push_back(std::move(d));
  }

  static std::string literal(const toml::node& node) {
    // On one line, strings in double quotes like the other messages: toml++'s default output writes
    // 'literal' and multi-line strings, and tables over several lines.
    constexpr auto flags = toml::toml_formatter::default_flags & ~toml::format_flags::allow_literal_strings &
                           ~toml::format_flags::allow_multi_line_strings;
    std::ostringstream out;
    out << toml::toml_formatter(node, flags);
    std::string s = out.str();
    if (node.is_table()) {
      for (std::size_t at = s.find('\n'); at != std::string::npos; at = s.find('\n', at)) s.replace(at, 1, ", ");
      s = "{ " + s + " }";
    }
    return text::shorten(s, 60);
  }

  void unknownTopLevel(const std::string& name, const toml::source_region& where, const toml::node& node) {
    std::vector<std::string> sections;
    for (const Section& s : Schema::project().sections()) sections.push_back(s.name);
    if (!node.is_table()) {
      // A setting written outside any section: say which section it belongs to, if any.
      std::vector<std::string> homes;
      for (const Setting* setting : Schema::project().settings())
        if (setting->name == name) homes.push_back("[" + setting->section + "]");
      std::string message =
          i18n::format(SDS_TR("Diagnostics", "unknown top-level setting \"%1\"; settings belong in a section"), {name});
      if (!homes.empty())
        message += i18n::format(SDS_TR("Diagnostics", " (did you mean to put it under %1?)"),
                                {text::joinAlternatives(homes, false)});
      error(where, name, message);
      return;
    }
    std::string message = i18n::format(SDS_TR("Diagnostics", "unknown section [%1]"), {name});
    const std::string suggestion = text::closestMatch(name, sections);
    if (!suggestion.empty())
      message += i18n::format(SDS_TR("Diagnostics", " (did you mean [%1]?)"), {suggestion});
    else
      message += i18n::format(SDS_TR("Diagnostics", "; the sections are %1"), {text::joinAlternatives(sections, false)});
    error(where, name, message);
  }

  void readSection(const Section& section, const toml::table& table) {
    for (auto&& [key, node] : table) {
      const std::string name(key.str());
      const std::string fullKey = section.name + "." + name;
      const Setting* setting = Schema::project().find(fullKey);
      if (!setting) {
        error(key.source(), fullKey, SDS_TR("Diagnostics", "unknown setting") + suggestionFor(section, name));
        continue;
      }
      result_.positions[fullKey] = position(node.source());
      std::optional<Value> value = valueFromToml(*setting, node);
      if (!value) {
        error(node.source(), fullKey,
              i18n::format(SDS_TR("Diagnostics", "%1 is not allowed; %2"),
                           {literal(node), i18n::format(SDS_TR("Diagnostics", "expected %1"), {describeAllowed(*setting)})}));
        continue;
      }
      result_.project.set(fullKey, std::move(*value));
    }
  }

  static std::string suggestionFor(const Section& section, const std::string& name) {
    std::vector<std::string> names;
    for (const Setting& s : section.settings) names.push_back(s.name);
    std::string match = text::closestMatch(name, names);
    if (!match.empty()) return i18n::format(SDS_TR("Diagnostics", " (did you mean \"%1\"?)"), {match});
    // Maybe it belongs to another section, or is a typo of a setting there.
    std::vector<std::string> elsewhere;
    for (const Setting* s : Schema::project().settings())
      if (s->section != section.name) elsewhere.push_back(s->key());
    for (const std::string& key : elsewhere)
      if (key.substr(key.find('.') + 1) == name)
        return i18n::format(SDS_TR("Diagnostics", " here (did you mean %1?)"), {key});
    match = text::closestMatch(section.name + "." + name, elsewhere);
    if (!match.empty()) return i18n::format(SDS_TR("Diagnostics", " (did you mean %1?)"), {match});
    return i18n::format(SDS_TR("Diagnostics", "; [%1] has %2"), {section.name, text::joinAlternatives(names, false)});
  }

  std::string file_;
  LoadResult& result_;
};

}  // namespace

std::optional<Value> valueFromToml(const Setting& setting, const toml::node& node) {
  switch (setting.type) {
    case ValueType::Bool:
      if (auto v = node.value_exact<bool>()) return Value(*v);
      return std::nullopt;
    case ValueType::Integer:
      if (auto v = node.value_exact<std::int64_t>()) return Value(*v);
      return std::nullopt;
    case ValueType::Float:
      if (auto v = node.value_exact<double>()) return Value(*v);
      if (auto v = node.value_exact<std::int64_t>()) return Value(static_cast<double>(*v));
      return std::nullopt;
    case ValueType::String:
    case ValueType::Path:
    case ValueType::Choice:
      if (auto v = node.value_exact<std::string>()) return Value(*v);
      return std::nullopt;
    case ValueType::StringList: {
      const toml::array* array = node.as_array();
      if (!array) return std::nullopt;
      StringList list;
      for (const toml::node& element : *array) {
        auto v = element.value_exact<std::string>();
        if (!v) return std::nullopt;
        list.push_back(*v);
      }
      return Value(std::move(list));
    }
  }
  return std::nullopt;
}

std::string tomlLibraryVersion() {
  return std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) + "." + std::to_string(TOML_LIB_PATCH);
}

LoadResult parseProject(std::string_view text, const std::string& fileName) {
  LoadResult result;
  toml::table document;
  try {
    document = toml::parse(text, fileName);
  } catch (const toml::parse_error& e) {
    Diagnostic d;
    d.file = fileName;
    d.line = static_cast<int>(e.source().begin.line);
    d.column = static_cast<int>(e.source().begin.column);
    d.message = i18n::format(SDS_TR("Diagnostics", "not valid TOML: %1"), {std::string(e.description())});
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  Reader(fileName, result).readDocument(document);
  // A key whose value could not be read is reported once: the rules below would judge its default.
  std::set<std::string> unreadable;
  for (const Diagnostic& d : result.diagnostics) unreadable.insert(d.key);
  for (Diagnostic& d : checkProject(result.project, fileName, result.positions))
    if (!unreadable.count(d.key)) result.diagnostics.push_back(std::move(d));
  sortByPosition(result.diagnostics);
  return result;
}

LoadResult loadProject(const std::string& path) {
  std::string text;
  try {
    text = readFile(path);
  } catch (const std::exception& e) {
    LoadResult result;
    Diagnostic d;
    d.file = path;
    d.message = e.what();
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  return parseProject(text, path);
}

}  // namespace sds::config
