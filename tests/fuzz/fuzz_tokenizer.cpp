// Untrusted prompts and captions through CLIP's tokenizer (invalid UTF-8, special tokens, huge
// words): encoding never crashes, and the padded form always has the model's length.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "text/builtin_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sds::text::ClipTokenizer tokenizer = sds::text::builtInClipTokenizer("<|endoftext|>");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto ids = tokenizer.encode(text);
  if (ids.size() < 2 || ids.front() != tokenizer.bosId() || ids.back() != tokenizer.eosId()) std::abort();
  if (tokenizer.encodePadded(text).size() != static_cast<std::size_t>(tokenizer.maxLength())) std::abort();
  (void)tokenizer.tokenCount(text);
  return 0;
}
