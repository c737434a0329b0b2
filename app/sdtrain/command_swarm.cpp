// sdtrain swarm new-key | bootstrap: the run key a swarm is named by, and the DHT node new peers
// start from (docs/swarm.md).

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "swarm/bootstrap_node.h"
#include "swarm/port_mapping.h"
#include "swarm/relay_server.h"
#include "swarm/run_key.h"
#include "util/atomic_file.h"

namespace sds::cli {

namespace {

std::atomic<bool> bootstrapStop{false};

extern "C" void onBootstrapStop(int) { bootstrapStop = true; }

int runNewKey(Reporter& reporter, const std::string& outFile) {
  const std::string key = swarm::RunKey::generateSecret();
  if (outFile.empty()) {
    reporter.say(key);
    return kExitOk;
  }
  try {
    writeFileAtomically(outFile, key + "\n");
    ::chmod(outFile.c_str(), 0600);
  } catch (const std::exception& e) {
    reporter.fail(e.what());
    return kExitFailure;
  }
  reporter.say("wrote a new run key to " + outFile + " (readable only by you); give it to the peers of this run");
  return kExitOk;
}

struct RelaySettings {
  bool off = false;
  double megabytesPerSecond = 4;
  int peers = 32;
};

int runBootstrap(Reporter& reporter, int port, const std::vector<std::string>& peers, const RelaySettings& relay) {
  std::unique_ptr<swarm::BootstrapNode> node;
  try {
    node = std::make_unique<swarm::BootstrapNode>(static_cast<std::uint16_t>(port), peers);
  } catch (const std::invalid_argument& e) {
    reporter.fail(e.what(), "give other nodes as HOST:PORT");
    return kExitUsage;
  } catch (const std::exception& e) {
    reporter.fail(e.what(), "another program may use that port; choose another with --port");
    return kExitFailure;
  }
  // The relay for peers behind routers that map no port: TCP, on the DHT's port number.
  std::unique_ptr<swarm::RelayServer> relayServer;
  if (!relay.off) {
    swarm::RelayOptions options;
    options.bytesPerSecond = relay.megabytesPerSecond * 1e6;
    options.maxPeers = static_cast<std::size_t>(relay.peers);
    try {
      relayServer = std::make_unique<swarm::RelayServer>(node->port(), options);
    } catch (const std::exception& e) {
      reporter.say(std::string("no relay: ") + e.what());
    }
  }
  std::signal(SIGINT, onBootstrapStop);
  std::signal(SIGTERM, onBootstrapStop);
  reporter.say("swarm bootstrap node on UDP port " + std::to_string(node->port()) +
               (relayServer ? ", relay on TCP port " + std::to_string(relayServer->port()) + " (up to " +
                                  std::to_string(relay.peers) + " peers, " + std::to_string(relay.megabytesPerSecond).substr(0, 5) +
                                  " MB/s each)"
                            : std::string()) +
               "; peers start from it with --swarm-peer ADDRESS:" + std::to_string(node->port()) +
               " (this machine's address). Ctrl+C ends it.");
  auto lastReport = std::chrono::steady_clock::now();
  unsigned lastGood = 0;
  std::size_t lastRelayed = 0;
  while (!bootstrapStop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto now = std::chrono::steady_clock::now();
    const swarm::DhtNodeCounts counts = node->counts();
    const std::size_t relayed = relayServer ? relayServer->registeredPeers() : 0;
    if (counts.good != lastGood || relayed != lastRelayed || now - lastReport > std::chrono::minutes(10)) {
      reporter.say("DHT nodes known: " + std::to_string(counts.good) + " answering, " +
                   std::to_string(counts.dubious) + " not heard from lately" +
                   (relayServer ? "; peers relayed: " + std::to_string(relayed) + ", " +
                                      std::to_string(relayServer->bytesForwarded() / 1000000) + " MB forwarded"
                                : std::string()));
      lastGood = counts.good;
      lastRelayed = relayed;
      lastReport = now;
    }
  }
  reporter.say("bootstrap node stopped");
  return kExitOk;
}

// Whether the home router would forward `port` (UPnP, else NAT-PMP): maps it, says how the internet would reach
// this computer, and removes the mapping again.
int runReachability(Reporter& reporter, int port, bool json) {
  nlohmann::json out{{"port", port}};
  try {
    const swarm::PortMapping mapping(static_cast<std::uint16_t>(port));
    out["upnp"] = true;
    out["external_address"] = mapping.externalAddress() + ":" + std::to_string(port);
    out["gateway"] = mapping.gateway();
    out["detail"] = mapping.describe();
  } catch (const std::exception& e) {
    out["upnp"] = false;
    out["detail"] = e.what();
  }
  if (json) {
    std::printf("%s\n", out.dump().c_str());
    return kExitOk;
  }
  if (out["upnp"])
    reporter.say("other peers can reach this computer at " + out["external_address"].get<std::string>() + ": " +
                 out["detail"].get<std::string>() + " (removed again after this check)");
  else
    reporter.say("no port mapping: " + out["detail"].get<std::string>() +
                 "; as a swarm peer this computer would take part in client mode (it connects to the others but "
                 "reduces no part for them) unless the port is forwarded by hand and swarm.public_address set");
  return kExitOk;
}

}  // namespace

void addSwarmCommands(CLI::App& app, Commands& commands) {
  CLI::App* swarmApp = app.add_subcommand("swarm", "The swarm: run keys, the bootstrap node, reachability and a served dataset");
  swarmApp->require_subcommand(1);

  auto keyOut = std::make_shared<std::string>();
  CLI::App* newKey = swarmApp->add_subcommand("new-key", "Print a new random run key (or write it to a file)");
  newKey->add_option("--out", *keyOut, "Write it to this file, readable only by you, instead of printing it");
  commands.push_back({newKey, [keyOut](Reporter& r) { return runNewKey(r, *keyOut); }});

  auto port = std::make_shared<int>(4222);
  auto peers = std::make_shared<std::vector<std::string>>();
  CLI::App* bootstrap = swarmApp->add_subcommand(
      "bootstrap", "Run a DHT node that trains nothing, for peers of any run to start from");
  bootstrap->add_option("--port", *port, "UDP port to listen on (0: any free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  bootstrap->add_option("--peer", *peers, "Another bootstrap node or peer, HOST:PORT (repeatable)");
  auto relay = std::make_shared<RelaySettings>();
  bootstrap->add_flag("--no-relay", relay->off, "Relay no peers (by default peers whose router maps no port are relayed)");
  bootstrap->add_option("--relay-rate", relay->megabytesPerSecond, "MB/s relayed per peer, both directions together")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 10000.0));
  bootstrap->add_option("--relay-peers", relay->peers, "Peers relayed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  commands.push_back({bootstrap, [port, peers, relay](Reporter& r) { return runBootstrap(r, *port, *peers, *relay); }});

  auto checkPort = std::make_shared<int>(4300);
  auto json = std::make_shared<bool>(false);
  CLI::App* reachability = swarmApp->add_subcommand(
      "reachability", "Check whether the home router forwards a port to this computer (UPnP or NAT-PMP), and remove it again");
  reachability->add_option("--port", *checkPort, "The port to check (TCP and UDP)")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  reachability->add_flag("--json", *json, "Print one JSON object: upnp, external_address, gateway, detail");
  commands.push_back({reachability, [checkPort, json](Reporter& r) { return runReachability(r, *checkPort, *json); }});
  addServeDataCommand(*swarmApp, commands);
}

}  // namespace sds::cli
