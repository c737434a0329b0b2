#include "runtime/distributed_env.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

namespace sds::runtime {
namespace {

bool allDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

int number(const std::string& variable, const std::string& value, int min, int max) {
  const std::string trimmed = value.substr(0, value.find_last_not_of(" \t\r\n") + 1);
  if (!allDigits(trimmed) || trimmed.size() > 9 || std::stoi(trimmed) < min || std::stoi(trimmed) > max)
    throw std::invalid_argument(variable + " is \"" + value + "\"; expected a whole number from " + std::to_string(min) +
                                " to " + std::to_string(max));
  return std::stoi(trimmed);
}

int required(const Environment& env, const std::string& variable, int min, int max, const std::string& because) {
  const std::optional<std::string> value = env(variable);
  if (!value) throw std::invalid_argument(variable + " is not set, but " + because + " is");
  return number(variable, *value, min, max);
}

int optionalNumber(const Environment& env, const std::string& variable, int min, int max, int fallback) {
  const std::optional<std::string> value = env(variable);
  return value ? number(variable, *value, min, max) : fallback;
}

constexpr int kMaxRanks = 1 << 20;

}  // namespace

Environment processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

std::string firstSlurmHost(const std::string& nodeList) {
  // Hosts are separated by commas outside brackets; a bracket holds ranges and single numbers.
  std::string first;
  int depth = 0;
  for (const char c : nodeList) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ',' && depth == 0) break;
    first += c;
  }
  if (first.empty())
    throw std::invalid_argument("SLURM_JOB_NODELIST \"" + nodeList + "\" names no host");
  const std::size_t open = first.find('[');
  if (open == std::string::npos) return first;
  const std::size_t close = first.find(']', open);
  if (close == std::string::npos || open == 0)
    throw std::invalid_argument("SLURM_JOB_NODELIST \"" + nodeList + "\" has an unclosed or nameless range");
  std::string range = first.substr(open + 1, close - open - 1);
  range = range.substr(0, range.find(','));
  range = range.substr(0, range.find('-'));  // the first number keeps its zero padding
  if (!allDigits(range))
    throw std::invalid_argument("SLURM_JOB_NODELIST \"" + nodeList + "\": \"" + range + "\" is not a host number");
  return first.substr(0, open) + range + first.substr(close + 1);
}

std::optional<WorkerPlace> workerPlaceFrom(const Environment& env) {
  WorkerPlace p;
  if (env("RANK") || env("WORLD_SIZE")) {
    p.launcher = "torchrun";
    p.worldSize = required(env, "WORLD_SIZE", 1, kMaxRanks, "RANK");
    p.rank = required(env, "RANK", 0, p.worldSize - 1, "WORLD_SIZE");
    p.localRank = optionalNumber(env, "LOCAL_RANK", 0, p.worldSize - 1, p.rank);
    p.localWorldSize = optionalNumber(env, "LOCAL_WORLD_SIZE", 1, p.worldSize, p.worldSize);
    if (p.localRank >= p.localWorldSize)
      throw std::invalid_argument("LOCAL_RANK " + std::to_string(p.localRank) + " is not below LOCAL_WORLD_SIZE " +
                                  std::to_string(p.localWorldSize));
    if (const auto address = env("MASTER_ADDR")) p.masterAddress = *address;
    const std::optional<std::string> agentStore = env("TORCHELASTIC_USE_AGENT_STORE");
    p.storeHostedByLauncher = agentStore && (*agentStore == "True" || *agentStore == "true" || *agentStore == "1");
  } else if (env("SLURM_PROCID") && env("SLURM_NTASKS")) {
    p.launcher = "slurm";
    p.worldSize = required(env, "SLURM_NTASKS", 1, kMaxRanks, "SLURM_PROCID");
    p.rank = required(env, "SLURM_PROCID", 0, p.worldSize - 1, "SLURM_NTASKS");
    p.localRank = optionalNumber(env, "SLURM_LOCALID", 0, p.worldSize - 1, 0);
    p.localWorldSize = optionalNumber(env, "SLURM_NTASKS_PER_NODE", 1, p.worldSize, p.localRank + 1);
    if (const auto address = env("MASTER_ADDR"))
      p.masterAddress = *address;
    else if (const auto nodes = env("SLURM_JOB_NODELIST"))
      p.masterAddress = firstSlurmHost(*nodes);
    else if (p.worldSize > 1)
      throw std::invalid_argument("SLURM_JOB_NODELIST is not set (nor MASTER_ADDR): the master's host is unknown");
  } else {
    return std::nullopt;
  }
  if (p.masterAddress.empty()) throw std::invalid_argument("MASTER_ADDR is empty; expected the master's host name or address");
  p.masterPort = optionalNumber(env, "MASTER_PORT", 1, 65535, p.masterPort);
  return p;
}

std::vector<int> parseGpuSelection(const std::string& text, int available) {
  if (text == "all") {
    std::vector<int> all(static_cast<std::size_t>(std::max(available, 0)));
    for (int i = 0; i < available; ++i) all[static_cast<std::size_t>(i)] = i;
    return all;
  }
  const std::string shown = "the GPU selection \"" + text + "\"";
  if (text.find(',') == std::string::npos && allDigits(text) && text.size() < 6 && text != "0") {
    const int count = std::stoi(text);
    if (count > available)
      throw std::invalid_argument(shown + " asks for " + text + " GPUs; this machine has " + std::to_string(available));
    std::vector<int> first(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) first[static_cast<std::size_t>(i)] = i;
    return first;
  }
  std::vector<int> indices;
  std::set<int> seen;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (comma == std::string::npos && start > 0 && item.empty() && !indices.empty()) break;  // "2,": one index
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!allDigits(item) || item.size() > 5)
      throw std::invalid_argument(shown + " is not \"all\", a count or a list of GPU indices such as \"0,2\"");
    const int index = std::stoi(item);
    if (index >= available)
      throw std::invalid_argument(shown + " names GPU " + item + "; this machine has " +
                                  (available == 1 ? std::string("GPU 0 only")
                                                  : available > 0 ? "GPUs 0 to " + std::to_string(available - 1)
                                                                  : std::string("no GPU")));
    if (!seen.insert(index).second) throw std::invalid_argument(shown + " names GPU " + item + " twice");
    indices.push_back(index);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return indices;
}

}  // namespace sds::runtime
