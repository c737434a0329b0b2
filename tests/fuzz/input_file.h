#pragma once
// For harnesses whose reader opens or maps files: each input is written to a file of this process
// under $TMPDIR (or /tmp) first, the same file for every input.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace sds::fuzz {

// Writes the input to "<TMPDIR>/sds-fuzz-<name>-<pid><extension>" and returns that path.
inline std::string writeInputFile(const char* name, const char* extension, const std::uint8_t* data, std::size_t size) {
  const char* dir = std::getenv("TMPDIR");
  const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/sds-fuzz-" + name + "-" +
                           std::to_string(getpid()) + extension;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  return path;
}

}  // namespace sds::fuzz
