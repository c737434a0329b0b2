#pragma once
// Data files built into the programs (see resources/CMakeLists.txt).

#include <string_view>

namespace sds::resources {

// The built-in demo project (resources/demo/demo.toml).
std::string_view demoProject();

}  // namespace sds::resources

namespace sds::resources {

// CLIP's BPE vocabulary (resources/tokenizers/clip): vocab.json and merges.txt, for checkpoints that carry
// no tokenizer of their own.
std::string_view clipVocab();
std::string_view clipMerges();

}  // namespace sds::resources
