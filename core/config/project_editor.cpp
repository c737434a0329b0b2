// Edits a project file's values in place with the positions toml++ reports for each value.

#include "config/project_editor.h"

#include "config/toml_value.h"
#include "util/i18n.h"

#include <algorithm>
#include <vector>

namespace sds::config {
namespace {

struct Edit {
  std::size_t begin = 0, end = 0;  // bytes of the original text replaced by `text`
  std::string text;
};

// Byte offsets of toml++'s positions (1-based lines, columns counted in code points).
class Offsets {
 public:
  explicit Offsets(std::string_view text) : text_(text) {
    lineStarts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') lineStarts_.push_back(i + 1);
  }

  std::size_t of(const toml::source_position& position) const {
    std::size_t at = lineStarts_.at(std::size_t(position.line) - 1);
    for (std::size_t column = 1; column < position.column && at < text_.size(); ++column) {
      ++at;
      while (at < text_.size() && (static_cast<unsigned char>(text_[at]) & 0xC0) == 0x80) ++at;  // continuation bytes
    }
    return at;
  }

  // Just past the newline that ends the line holding `offset` (the text's end on the last line).
  std::size_t endOfLine(std::size_t offset) const {
    const std::size_t newline = text_.find('\n', offset);
    return newline == std::string_view::npos ? text_.size() : newline + 1;
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> lineStarts_;
};

}  // namespace

EditedProjectText editProjectText(std::string_view original, const Project& project) {
  toml::table document;
  try {
    document = toml::parse(original);
  } catch (const toml::parse_error& e) {
    return {std::nullopt, i18n::format(SDS_TR("Diagnostics", "the file is not valid TOML (%1)"), {std::string(e.description())})};
  }
  const Offsets offsets(original);
  std::vector<Edit> edits;
  std::string appended;  // sections the file does not have yet, added at its end
  const Project defaults;

  for (const Section& section : Schema::project().sections()) {
    const toml::node* sectionNode = document.get(section.name);
    const toml::table* table = sectionNode ? sectionNode->as_table() : nullptr;
    if (sectionNode && !table)
      return {std::nullopt, i18n::format(SDS_TR("Diagnostics", "[%1] is written as a single value, not as a section"), {section.name})};
    if (table) {
      // New lines can only go under a [section] header: inline tables and dotted keys are kept whole.
      const std::size_t header = offsets.of(table->source().begin);
      if (table->is_inline() || header >= original.size() || original[header] != '[')
        return {std::nullopt,
                i18n::format(SDS_TR("Diagnostics", "[%1] is written as an inline table or with dotted keys"), {section.name})};
    }
    // New lines go after the section's last line, its unknown keys included.
    std::size_t insertAt = table ? offsets.endOfLine(offsets.of(table->source().end)) : 0;
    if (table)
      for (auto&& [key, node] : *table) insertAt = std::max(insertAt, offsets.endOfLine(offsets.of(node.source().end)));
    std::string inserted;
    for (const Setting& setting : section.settings) {
      const Value& wanted = project.get(setting.key());
      const toml::node* node = table ? table->get(setting.name) : nullptr;
      if (node) {
        if (valueFromToml(setting, *node) == wanted) continue;
        edits.push_back({offsets.of(node->source().begin), offsets.of(node->source().end), toTomlLiteral(wanted)});
      } else if (wanted != defaults.get(setting.key())) {
        inserted += setting.name + " = " + toTomlLiteral(wanted) + "\n";
      }
    }
    if (inserted.empty()) continue;
    if (table)
      edits.push_back({insertAt, insertAt, inserted});
    else
      appended += "\n[" + section.name + "]\n" + inserted;
  }

  std::string text(original);
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin > b.begin; });
  for (const Edit& edit : edits) {
    // A line added at the very end of a file without a final newline starts on a line of its own.
    const bool needsNewline = edit.begin == edit.end && edit.begin == text.size() && !text.empty() && text.back() != '\n';
    text.replace(edit.begin, edit.end - edit.begin, (needsNewline ? "\n" : "") + edit.text);
  }
  if (!appended.empty()) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += appended;
  }

  // The edited text must mean exactly the project; anything else is a reason to rewrite instead.
  const LoadResult check = parseProject(text, "");
  for (const Setting* setting : Schema::project().settings())
    if (check.project.get(setting->key()) != project.get(setting->key()))
      return {std::nullopt, i18n::format(SDS_TR("Diagnostics", "the edited file would not read back as %1 = %2"),
                                         {setting->key(), toTomlLiteral(project.get(setting->key()))})};
  return {std::move(text), {}};
}

}  // namespace sds::config
