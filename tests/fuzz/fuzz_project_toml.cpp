// Untrusted project files: the TOML reader and the schema's validation. Every input gives a result with
// diagnostics; nothing throws, crashes or hangs.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/project.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const sds::config::LoadResult result = sds::config::parseProject(text, "fuzz.toml");
  (void)result;
  return 0;
}
