// One peer of the swarm fault matrix (test_swarm_faults): a real process that averages with the
// others and, when told to, dies, stops or leaves at an exact moment of the round.
//
//   swarm_fault_peer DIR INDEX COUNT FAULT TIMEOUT_MS
//
// FAULT: none, kill-before (SIGKILL before the round), kill-after-first-part, kill-while-reducing,
// stop-after-first-part (SIGSTOP), leave-after-first-part (a clean exit). The peer writes
// DIR/peer-INDEX.member ("id-hex port"), waits for all COUNT of them, averages 20000 values (from a
// seeded generator, weight INDEX+1) and writes DIR/peer-INDEX.initial and .final (raw floats) and
// .seconds.

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "swarm/averager.h"
#include "swarm/peer_server.h"
#include "util/atomic_file.h"

using namespace sds::swarm;

namespace {

void writeFloats(const std::string& path, const std::vector<float>& v) {
  sds::writeFileAtomically(path, std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
}

PeerId parseId(const std::string& hex) {
  PeerId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: swarm_fault_peer DIR INDEX COUNT FAULT TIMEOUT_MS\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int index = std::atoi(argv[2]);
  const int count = std::atoi(argv[3]);
  const std::string fault = argv[4];
  const auto timeout = std::chrono::milliseconds(std::atoi(argv[5]));
  const auto file = [&](int i, const char* ext) { return dir + "/peer-" + std::to_string(i) + ext; };

  const RunKey run = RunKey::fromSecret("swarm fault matrix run key");
  const Identity identity = Identity::generate();
  PeerServer server(identity, run);
  Averager averager(identity, run, &server);

  std::vector<float> values(20000);
  std::mt19937 rng(static_cast<unsigned>(index));
  std::normal_distribution<float> normal;
  for (float& v : values) v = normal(rng);
  writeFloats(file(index, ".initial"), values);
  sds::writeFileAtomically(file(index, ".member"), toHex(identity.id()) + " " + std::to_string(server.port()) + "\n");

  Group group;
  group.roundId = hash32({"fault matrix round"});
  const auto waitUntil = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int i = 0; i < count; ++i) {
    while (!std::filesystem::exists(file(i, ".member"))) {
      if (std::chrono::steady_clock::now() > waitUntil) return 3;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::ifstream in(file(i, ".member"));
    std::string hex;
    int port = 0;
    in >> hex >> port;
    GroupMember m;
    m.id = parseId(hex);
    m.host = "127.0.0.1";
    m.port = static_cast<std::uint16_t>(port);
    group.members.push_back(m);
  }
  if (fault == "kill-before") std::raise(SIGKILL);

  RoundOptions options;
  options.timeout = timeout;
  options.onStage = [&](RoundStage stage) {
    if (stage == RoundStage::FirstPartSent) {
      if (fault == "kill-after-first-part") std::raise(SIGKILL);
      if (fault == "stop-after-first-part") std::raise(SIGSTOP);
      if (fault == "leave-after-first-part") std::_Exit(0);
    }
    if (stage == RoundStage::Reducing && fault == "kill-while-reducing") std::raise(SIGKILL);
  };
  const auto started = std::chrono::steady_clock::now();
  const RoundReport report = averager.average(group, values, index + 1.0, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  writeFloats(file(index, ".final"), values);
  sds::writeFileAtomically(file(index, ".seconds"), std::to_string(seconds) + "\n");
  std::fprintf(stderr, "peer %d: %zu parts, %s, %.2f s\n", index, report.parts.size(),
               report.allAveraged() ? "all averaged" : "some left at the local values", seconds);
  return 0;
}
