// A swarm peer for the home-router check (tests/swarm/netsim/upnp.sh): joins the run (mapping its
// port at the router with UPnP where asked), prints how others reach it, waits for another peer,
// averages one round with it and leaves (removing the mapping). One JSON line per stage on stdout.
//
//   swarm_upnp_peer --port P [--upnp] [--bootstrap HOST:PORT] [--public HOST] [--wait-s S] [--value V]
//                   [--run-key KEY]

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "swarm/swarm_peer.h"

using namespace sds::swarm;

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"A swarm peer behind a home router"};
  int port = 0, waitSeconds = 30;
  float value = 1.0f;
  bool upnp = false;
  std::string bootstrap, publicHost, runKey = "sdsrun-home-router-check";
  app.add_option("--port", port);
  app.add_flag("--upnp", upnp);
  app.add_option("--bootstrap", bootstrap);
  app.add_option("--public", publicHost);
  app.add_option("--wait-s", waitSeconds);
  app.add_option("--value", value, "every value this peer brings to the round");
  app.add_option("--run-key", runKey, "another run's key: records of earlier stages' peers are not seen");
  CLI11_PARSE(app, argc, argv);

  SwarmPeerOptions options;
  options.runKey = runKey;
  options.port = static_cast<std::uint16_t>(port);
  options.upnp = upnp;
  options.publicHost = publicHost;
  if (!bootstrap.empty()) options.bootstrap = {bootstrap};
  options.matchmaking.matchmakingTime = std::chrono::milliseconds(3'000);
  const auto joinStarted = std::chrono::steady_clock::now();
  SwarmPeer peer(options, 1);
  const double joinSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - joinStarted).count();
  std::printf("{\"stage\":\"joined\",\"address\":%s,\"client_mode\":%s,\"dht_port\":%u,\"join_s\":%.2f,\"reachability\":%s}\n",
              quoted(peer.address()).c_str(), peer.clientMode() ? "true" : "false", peer.dhtPort(), joinSeconds,
              quoted(peer.reachability()).c_str());
  std::fflush(stdout);

  peer.report(1, 1, 1.0);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(waitSeconds);
  std::size_t seen = 0;
  while (std::chrono::steady_clock::now() < until) {
    seen = peer.peers().size();
    if (seen >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("{\"stage\":\"discovery\",\"peers\":%zu}\n", seen);
  std::fflush(stdout);
  if (seen < 2) return 1;

  // One round of 1000 values: the members' parts travel over TCP both ways.
  std::vector<float> values(1000, value);
  const RoundResult round = peer.average(1, values, 1.0, {values.size()});
  std::printf("{\"stage\":\"round\",\"outcome\":%s,\"group\":%zu,\"value\":%.3f}\n", quoted(round.outcome).c_str(),
              round.groupSize, static_cast<double>(values.front()));
  std::fflush(stdout);
  // The other may still be reducing: stay a moment so that its parts reach it.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  return round.averaged ? 0 : 1;
}
