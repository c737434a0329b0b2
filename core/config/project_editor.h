#pragma once
// Saving a project into a file a person wrote: only the values that changed are rewritten, in place,
// so the file keeps its comments, blank lines, order and layout (people keep notes in their
// configs). A setting the file does not mention is added to its section only when it differs from
// the default.

#include <optional>
#include <string>
#include <string_view>

#include "config/project.h"

namespace sds::config {

struct EditedProjectText {
  std::optional<std::string> text;  // the file with the project's values; empty when not possible
  std::string reason;               // why not: the file is not TOML, a section is an inline table, …
};

// `original` is the file's current text; the result reads back as exactly `project`.
EditedProjectText editProjectText(std::string_view original, const Project& project);

}  // namespace sds::config
