// Untrusted model files: the safetensors header (length, JSON, dtypes, shapes, byte ranges) is
// validated before anything is handed out; every tensor's data then lies inside the file.
// The reader maps files, so each input is written to a temporary file first.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/safetensors.h"
#include "input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sds::fuzz::writeInputFile("safetensors", ".safetensors", data, size);
  try {
    const sds::io::SafetensorsFile tensors = sds::io::SafetensorsFile::open(path);
    std::uint64_t sum = 0;
    for (const sds::io::TensorInfo& t : tensors.tensors()) {
      if (t.bytes() != static_cast<std::uint64_t>(t.numel()) * sds::io::dtypeSize(t.dtype)) std::abort();
      const std::uint8_t* bytes = tensors.data(t);
      if (t.bytes() > 0) sum += bytes[0] + bytes[t.bytes() - 1];  // inside the mapping
    }
    (void)sum;
  } catch (const sds::io::SafetensorsError&) {
  }
  std::remove(path.c_str());
  return 0;
}
