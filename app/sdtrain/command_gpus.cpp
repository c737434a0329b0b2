// sdtrain gpus [--json]: the GPUs training can use (index, name, memory), for people and for the
// studio's GPU choice.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "runtime/gpu_list.h"

namespace sds::cli {

int runGpus(bool json) {
  const std::vector<runtime::GpuInfo> gpus = runtime::listGpus();
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const runtime::GpuInfo& g : gpus)
      out.push_back({{"index", g.index}, {"name", g.name}, {"memory_gib", g.memoryGiB}});
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  if (gpus.empty()) std::cout << "no GPU: training runs on the CPU\n";
  for (const runtime::GpuInfo& g : gpus) {
    char line[256];
    std::snprintf(line, sizeof line, "%d: %s, %.1f GiB\n", g.index, g.name.c_str(), g.memoryGiB);
    std::cout << line;
  }
  return kExitOk;
}

void addGpusCommand(CLI::App& app, Commands& commands) {
  auto json = std::make_shared<bool>(false);
  CLI::App* gpus = app.add_subcommand("gpus", "List the GPUs training can use (index, name, memory)");
  gpus->add_flag("--json", *json, "As a JSON array of {index, name, memory_gib}");
  commands.push_back({gpus, [json](Reporter&) { return runGpus(*json); }});
}

}  // namespace sds::cli
