// Untrusted caption files: decoding their text (UTF-8, BOM, line breaks) and the per-use transforms
// (tags split, shuffled with leading tags kept, dropout).

#include <cstddef>
#include <cstdint>
#include <string>

#include "data/captions.h"
#include "data/sources.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::string problem;
  const auto text = sds::data::detail::captionText(bytes, problem);
  if (!text) return 0;
  sds::data::CaptionOptions options;
  options.prefix = "sks";
  options.shuffleTags = true;
  options.keepTags = size % 4;
  options.dropout = 0.1;
  sds::data::Rng rng(size);
  (void)sds::data::transformCaption(*text, options, rng);
  (void)sds::data::splitTags(*text);
  return 0;
}
