// Untrusted WebDataset shards: a tar file of members grouped by key (image, caption .txt, metadata
// .json), read with json filters. Whatever the bytes, the scan either refuses the shard as a whole
// with std::runtime_error or accounts for every member it looked at: each one a sample or a
// skipped issue, every sample a member of this shard with a size.
// The reader opens files, so each input is written to a temporary .tar first.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "data/dataset.h"
#include "input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sds::fuzz::writeInputFile("webdataset", ".tar", data, size);
  sds::data::DatasetOptions options;
  options.path = path;
  options.kind = "webdataset";
  options.filters = {"original_width >= 16", "pwatermark <= 0.5"};
  options.workers = 1;
  try {
    const sds::data::Dataset dataset = sds::data::scanDataset(options);
    if (dataset.examined != dataset.samples.size() + dataset.skipped()) std::abort();
    for (const sds::data::Sample& s : dataset.samples) {
      if (s.image.path != path || s.image.member.empty()) std::abort();
      if (s.width <= 0 || s.height <= 0) std::abort();
    }
  } catch (const std::runtime_error&) {
    // the shard refused as a whole, with its name
  }
  std::remove(path.c_str());
  return 0;
}
