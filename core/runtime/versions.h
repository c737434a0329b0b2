#pragma once
// Versions of the engine and the libraries it was built with and runs on, for `sdtrain --version`
// and the GUI's About box. Torch-free header.

#include <string>
#include <vector>

namespace sds::runtime {

// Names and sentences are English source texts of context "Engine"; the GUI, which receives them
// from sdtrain, translates them with that context.
struct Component {
  std::string name;     // "LibTorch", "CUDA runtime", …
  std::string version;  // "1.13.0", or a sentence when absent ("not built in")
};

// SD Studio itself, LibTorch, CUDA/cuDNN/NCCL when built in, toml++ and the compute devices found.
std::vector<Component> engineComponents();

// The SD Studio version string ("0.1.0").
std::string projectVersion();

}  // namespace sds::runtime
