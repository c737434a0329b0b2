#pragma once
// Data files built into the programs (see resources/CMakeLists.txt).

#include <string_view>

namespace sds::resources {

// The built-in demo project (resources/demo/demo.toml).
std::string_view demoProject();

}  // namespace sds::resources
