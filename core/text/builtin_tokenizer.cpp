#include "text/builtin_tokenizer.h"

#include "embedded.h"

namespace sds::text {

ClipTokenizer builtInClipTokenizer(const std::string& padToken, int maxLength) {
  return ClipTokenizer::fromData(resources::clipVocab(), resources::clipMerges(), padToken,
                                       "the built-in CLIP tokenizer", maxLength);
}

}  // namespace sds::text
