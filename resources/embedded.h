#pragma once
// Data files built into the programs (see resources/CMakeLists.txt).

#include <string_view>

namespace sds::resources {

// The built-in demo's projects: the autoencoder first (resources/demo/demo_vae.toml), then the
// text-to-image model (resources/demo/demo.toml).
std::string_view demoVaeProject();
std::string_view demoProject();

}  // namespace sds::resources

namespace sds::resources {

// CLIP's BPE vocabulary (resources/tokenizers/clip): vocab.json and merges.txt, for checkpoints that carry
// no tokenizer of their own.
std::string_view clipVocab();
std::string_view clipMerges();

}  // namespace sds::resources
