// sdtrain version [--json], also `sdtrain --version`

#include <nlohmann/json.hpp>

#include <iostream>

#include "commands.h"
#include "exit_codes.h"
#include "runtime/versions.h"

namespace sds::cli {

int runVersion(bool json) {
  const auto components = runtime::engineComponents();
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : components) out.push_back({{"name", c.name}, {"version", c.version}});
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  std::cout << "sdtrain " << runtime::projectVersion() << "\n";
  for (const auto& c : components)
    if (c.name != "SD Studio") std::cout << "  " << c.name << ": " << c.version << "\n";
  return kExitOk;
}

}  // namespace sds::cli
