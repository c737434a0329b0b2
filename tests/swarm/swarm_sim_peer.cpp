// One peer of the simulated internet (tests/swarm/netsim): discovery through a bootstrap node,
// matchmaking and averaging, round after round, on fresh values each round that any peer can
// recompute from a member's id — so each peer checks its result against the exact mean of its group.
//
//   swarm_sim_peer --listen IP --bootstrap HOST:PORT --start-ms UNIX_MS --period-ms P --rounds R
//                  [--values N] [--group-size G] [--matchmaking-ms M] [--timeout-ms T]
//                  [--compression none|fp16|uniform8|quantile8] [--client] [--first-round K]
//
// Round r begins at start + (r − 1)·period on every peer's clock. One JSON line per round on stdout.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "swarm/averager.h"
#include "swarm/discovery.h"
#include "swarm/matchmaker.h"
#include "swarm/peer_server.h"
#include "swarm/wire.h"

using namespace sds::swarm;

namespace {

// The values member `id` averages in `round`: uniform in [−1, 1) from a seed both can compute.
std::vector<float> valuesOf(const PeerId& id, std::uint64_t round, std::size_t n) {
  ByteWriter w;
  w.u64(round);
  const Key32 seed = hash32({"netsim values", asView(w.data()), asView(id)});
  std::seed_seq seq(seed.begin(), seed.end());
  std::mt19937 rng(seq);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = uniform(rng);
  return v;
}

void sleepUntilUnixMs(std::uint64_t target) {
  const std::uint64_t now = unixTimeMs();
  if (target > now) std::this_thread::sleep_for(std::chrono::milliseconds(target - now));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"A peer of the swarm simulation"};
  std::string listen, bootstrap, compression = "none";
  std::uint64_t startMs = 0, periodMs = 10'000;
  int rounds = 5, firstRound = 1, groupSize = 16, matchmakingMs = 3000, timeoutMs = 20'000;
  std::size_t values = 1'000'000;
  bool client = false;
  app.add_option("--listen", listen)->required();
  app.add_option("--bootstrap", bootstrap)->required();
  app.add_option("--start-ms", startMs)->required();
  app.add_option("--period-ms", periodMs);
  app.add_option("--rounds", rounds);
  app.add_option("--first-round", firstRound);
  app.add_option("--values", values);
  app.add_option("--group-size", groupSize);
  app.add_option("--matchmaking-ms", matchmakingMs);
  app.add_option("--timeout-ms", timeoutMs);
  app.add_option("--compression", compression);
  app.add_flag("--client", client);
  CLI11_PARSE(app, argc, argv);

  const RunKey run = RunKey::fromSecret("swarm simulation run key");
  const Identity identity = Identity::generate();
  PeerServerOptions serverOptions;
  serverOptions.listenHost = listen;
  std::unique_ptr<PeerServer> server = client ? nullptr : std::make_unique<PeerServer>(identity, run, serverOptions);
  Averager averager(identity, run, server.get());
  Matchmaker matchmaker(identity, run, server.get());
  DiscoveryOptions discoveryOptions;
  discoveryOptions.bootstrap = {bootstrap};
  Discovery discovery(identity, run, discoveryOptions);

  RoundOptions roundOptions;
  roundOptions.timeout = std::chrono::milliseconds(timeoutMs);
  roundOptions.compression = *parseCompression(compression);
  MatchmakingOptions matchOptions;
  matchOptions.matchmakingTime = std::chrono::milliseconds(matchmakingMs);
  matchOptions.maxGroupSize = static_cast<std::size_t>(groupSize);

  for (int r = firstRound; r < firstRound + rounds; ++r) {
    const std::uint64_t round = static_cast<std::uint64_t>(r);
    sleepUntilUnixMs(startMs + (round - 1) * periodMs);
    PeerRecord record;
    record.host = client ? std::string() : listen;
    record.port = server ? server->port() : 0;
    record.clientMode = client;
    record.epoch = round;
    discovery.publish(record);
    // Let the records spread, then take the peers looking for this round.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    std::vector<GroupMember> candidates;
    for (const PeerRecord& p : discovery.peers(std::chrono::seconds(3))) {
      if (p.epoch != round) continue;
      GroupMember m;
      m.id = p.peer;
      m.host = p.host;
      m.port = p.port;
      m.clientMode = p.clientMode;
      candidates.push_back(m);
    }
    const auto started = std::chrono::steady_clock::now();
    const std::optional<Group> group = matchmaker.formGroup(round, candidates, matchOptions);
    const double matchSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!group) {
      std::printf("{\"round\":%d,\"candidates\":%zu,\"group\":0,\"matchmaking_s\":%.3f}\n", r, candidates.size(), matchSeconds);
      std::fflush(stdout);
      continue;
    }
    std::vector<float> mine = valuesOf(identity.id(), round, values);
    const RoundReport report = averager.average(*group, mine, 1.0, roundOptions);
    // The exact mean of the group, each member's values recomputed from its id.
    std::vector<double> exact(values, 0.0);
    for (const GroupMember& m : group->members) {
      const std::vector<float> theirs = valuesOf(m.id, round, values);
      for (std::size_t k = 0; k < values; ++k) exact[k] += theirs[k] / static_cast<double>(group->members.size());
    }
    double deviation = 0;
    std::size_t averagedValues = 0;
    std::size_t completeValues = 0;
    for (const PartOutcome& part : report.parts) {
      if (!part.averaged) continue;
      averagedValues += part.length;
      // Against the whole group's mean only where the whole group contributed: a part that left out
      // a failed member is the mean of the others (the fault matrix tests check those).
      if (part.contributors != group->members.size()) continue;
      completeValues += part.length;
      for (std::size_t k = part.offset; k < part.offset + part.length; ++k) {
        deviation = std::max(deviation, std::fabs(mine[k] - exact[k]));
      }
    }
    std::printf("{\"round\":%d,\"candidates\":%zu,\"group\":%zu,\"matchmaking_s\":%.3f,\"averaging_s\":%.3f,"
                "\"bytes_sent\":%llu,\"bytes_received\":%llu,\"averaged_share\":%.4f,\"complete_share\":%.4f,"
                "\"excluded\":%zu,\"max_deviation_from_group_mean\":%.3g}\n",
                r, candidates.size(), group->members.size(), matchSeconds, report.seconds,
                static_cast<unsigned long long>(report.bytesSent), static_cast<unsigned long long>(report.bytesReceived),
                static_cast<double>(averagedValues) / static_cast<double>(values),
                static_cast<double>(completeValues) / static_cast<double>(values), report.excluded.size(), deviation);
    std::fflush(stdout);
  }
  return 0;
}
