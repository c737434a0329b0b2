// Writes project files and the configuration reference, both generated from the schema.

#include <sstream>

#include "config/project.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace sds::config {
namespace {

constexpr std::size_t kCommentWidth = 98;

void comment(std::ostringstream& out, const std::string& text) {
  for (const std::string& line : text::wrap(text, kCommentWidth)) out << "# " << line << "\n";
}

}  // namespace

std::string writeProject(const Project& project) {
  std::ostringstream out;
  out << "# SD Studio project file. Every setting is listed with its help text and allowed values;\n"
         "# `sdtrain config check FILE` validates it, docs/configuration.md describes each setting.\n";
  for (const Section& section : Schema::project().sections()) {
    out << "\n[" << section.name << "]\n";
    comment(out, std::string(section.title) + ": " + section.help);
    for (const Setting& setting : section.settings) {
      const Value& value = project.get(setting.key());
      out << "\n";
      comment(out, std::string(setting.label) + ". " + setting.help);
      std::string allowed = "Allowed: " + describeAllowed(setting) + ".";
      if (value != setting.defaultValue) allowed += " Default: " + toTomlLiteral(setting.defaultValue) + ".";
      comment(out, allowed);
      out << setting.name << " = " << toTomlLiteral(value) << "\n";
    }
  }
  return out.str();
}

void saveProject(const Project& project, const std::string& path) { writeFileAtomically(path, writeProject(project)); }

std::string markdownReference() {
  std::ostringstream out;
  out << "# Project file reference\n\n"
         "A training run is described by one TOML project file. This page is generated from the schema in\n"
         "`core/config/schema_project.cpp` by `sdtrain config docs`; a test keeps it in step with the code.\n"
         "`sdtrain config defaults` prints a complete project file with every setting at its default, and\n"
         "`sdtrain config check FILE` reports every problem of a file at once, with line and column.\n\n"
         "Relative paths are relative to the folder of the project file.\n";
  for (const Section& section : Schema::project().sections()) {
    out << "\n## [" << section.name << "] — " << section.title << "\n\n" << section.help << "\n\n";
    out << "| key | type | default | allowed | description |\n|---|---|---|---|---|\n";
    for (const Setting& setting : section.settings) {
      std::string allowed = describeAllowed(setting);
      std::string literal = toTomlLiteral(setting.defaultValue);
      for (std::string* cell : {&allowed, &literal}) {
        std::string escaped;
        for (char c : *cell) escaped += (c == '|') ? std::string("\\|") : std::string(1, c);
        *cell = escaped;
      }
      out << "| `" << setting.name << "` | " << typeName(setting.type) << " | `" << literal << "` | " << allowed
          << " | **" << setting.label << ".** " << setting.help << " |\n";
    }
  }
  return out.str();
}

}  // namespace sds::config
