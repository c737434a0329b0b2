#include "text/builtin_tokenizer.h"

#include "embedded.h"

namespace sds::text {

ClipTokenizer builtInClipTokenizer(const std::string& padToken) {
  return ClipTokenizer::fromData(resources::clipVocab(), resources::clipMerges(), padToken,
                                       "the built-in CLIP tokenizer");
}

}  // namespace sds::text
