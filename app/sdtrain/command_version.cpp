// sdtrain version [--json], also `sdtrain --version`

#include <nlohmann/json.hpp>

#include <iostream>

#include "commands.h"
#include "exit_codes.h"
#include "runtime/versions.h"
#include "util/i18n.h"

namespace sds::cli {

int runVersion(bool json) {
  auto components = runtime::engineComponents();
#ifdef SDS_GUI_QT_VERSION
  // sdtrain itself has no Qt; this is the Qt that sdstudio of the same build uses.
  components.insert(components.begin() + 1, {SDS_TR("Engine", "Qt (sdstudio build)"), SDS_GUI_QT_VERSION});
#endif
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
