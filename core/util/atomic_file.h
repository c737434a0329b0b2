#pragma once
// Writes files so that a reader (or a crash) never sees a half-written file: the data goes to a
// temporary file in the same folder, is flushed to disk, and then renamed over the target.

#include <string>
#include <string_view>

namespace sds {

// Throws std::runtime_error naming the path and the system's reason when anything fails; the
// previous content of `path` is then untouched.
void writeFileAtomically(const std::string& path, std::string_view content);

// Reads a whole file; throws std::runtime_error naming the path and the reason.
std::string readFile(const std::string& path);

}  // namespace sds
