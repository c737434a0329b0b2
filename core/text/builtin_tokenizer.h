#pragma once
// CLIP's BPE vocabulary built into the programs (resources/tokenizers/clip), for models that carry no
// tokenizer: single-file checkpoints and models made from scratch. Torch-free.

#include <string>

#include "text/clip_tokenizer.h"

namespace sds::text {

// With `padToken` for padding: SD 1.x and SDXL's first tokenizer pad with "<|endoftext|>", OpenCLIP's
// (SD 2.x, SDXL's second) with "!". `maxLength` is CLIP's 77 except for models made for short prompts.
ClipTokenizer builtInClipTokenizer(const std::string& padToken, int maxLength = 77);

}  // namespace sds::text
