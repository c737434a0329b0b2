// sdtrain swarm serve-data PATH: the run's dataset served to its peers in leased chunks
// (docs/swarm.md#a-shared-dataset); peers train on it with dataset.path = "http://HOST:PORT".

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "data/dataset.h"
#include "exit_codes.h"
#include "served_data/data_server.h"
#include "swarm/run_key.h"

namespace sds::cli {

namespace {

std::atomic<bool> serveStop{false};

extern "C" void onServeStop(int) { serveStop = true; }

struct ServeDataOptions {
  std::string path, runKey, address = "0.0.0.0", stateFile = "served-dataset.json", defaultCaption;
  std::string captionExtension = ".txt";
  int port = 7080;
  std::size_t chunkSize = 256;
  double leaseMinutes = 30;
  int minImageSize = 0;
  std::vector<std::string> filters;
};

int runServeData(Reporter& reporter, const ServeDataOptions& o) {
  std::unique_ptr<swarm::RunKey> key;
  try {
    key = std::make_unique<swarm::RunKey>(swarm::RunKey::fromSetting(o.runKey));
  } catch (const std::exception& e) {
    reporter.fail(std::string("--run-key: ") + e.what(), "give the run's key (sdsrun-…) or the file holding it");
    return kExitUsage;
  }
  data::DatasetOptions scan;
  scan.path = o.path;
  scan.captionExtension = o.captionExtension;
  scan.defaultCaption = o.defaultCaption;
  scan.minImageSize = o.minImageSize;
  scan.filters = o.filters;
  reporter.say("scanning " + o.path + " …");
  data::Dataset dataset;
  try {
    dataset = data::scanDataset(scan);
  } catch (const std::exception& e) {
    reporter.fail(e.what());
    return kExitInvalidInput;
  }
  if (dataset.skipped() > 0)
    reporter.say(std::to_string(dataset.skipped()) + " of " + std::to_string(dataset.examined) +
                 " images skipped; sdtrain dataset check " + o.path + " lists why");
  if (dataset.samples.empty()) {
    reporter.fail(o.path + " holds no usable image (" + std::to_string(dataset.examined) + " examined)",
                  "sdtrain dataset check " + o.path + " says why");
    return kExitInvalidInput;
  }
  for (const data::Concept& c : dataset.concepts)
    if (c.repeats > 1) {
      reporter.say("note: concept repeats (" + (c.folder.empty() ? std::string("the root") : c.folder) +
                   ") do not apply to a served dataset: each image is in one chunk");
      break;
    }

  auto sayMutex = std::make_shared<std::mutex>();
  served::DataServerOptions options;
  options.address = o.address;
  options.port = o.port;
  options.chunkSize = o.chunkSize;
  options.leaseSeconds = static_cast<std::int64_t>(o.leaseMinutes * 60);
  options.stateFile = std::filesystem::absolute(o.stateFile).string();
  options.log = [&reporter, sayMutex](const std::string& line) {
    std::lock_guard<std::mutex> lock(*sayMutex);
    reporter.say(line);
  };
  std::unique_ptr<served::DataServer> server;
  try {
    server = std::make_unique<served::DataServer>(std::move(dataset), *key, options);
  } catch (const std::exception& e) {
    reporter.fail(e.what(), "choose another port with --port, or another state file with --state");
    return kExitFailure;
  }
  std::signal(SIGINT, onServeStop);
  std::signal(SIGTERM, onServeStop);
  server->start();
  {
    const served::LeaseStatus status = server->service().status();
    std::lock_guard<std::mutex> lock(*sayMutex);
    reporter.say("serving " + std::to_string(server->service().sampleCount()) + " images in " +
                 std::to_string(server->service().chunkCount()) + " chunks of up to " + std::to_string(o.chunkSize) + " on " +
                 o.address + ":" + std::to_string(server->port()) + "; passes over the dataset so far: " +
                 std::to_string(status.dataEpoch) + " (" + options.stateFile +
                 "). Peers train on it with dataset.path = \"http://THIS-COMPUTER:" + std::to_string(server->port()) +
                 "\" and the run's key. Ctrl+C ends it.");
  }
  while (!serveStop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server->stop();
  std::lock_guard<std::mutex> lock(*sayMutex);
  reporter.say("dataset server stopped; what was trained is kept in " + options.stateFile);
  return kExitOk;
}

}  // namespace

void addServeDataCommand(CLI::App& swarmApp, Commands& commands) {
  auto o = std::make_shared<ServeDataOptions>();
  CLI::App* serve = swarmApp.add_subcommand(
      "serve-data", "Serve a dataset to the peers of a run in leased chunks (they set dataset.path = http://HOST:PORT)");
  serve->add_option("path", o->path, "A folder of images with captions, or WebDataset .tar shards")->required();
  serve->add_option("--run-key", o->runKey, "The run's key (sdsrun-…) or the file holding it")->required();
  serve->add_option("--port", o->port, "TCP port to listen on (0: any free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  serve->add_option("--address", o->address, "Address to listen on")->capture_default_str();
  serve->add_option("--chunk-size", o->chunkSize, "Images per leased chunk")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  serve->add_option("--lease-minutes", o->leaseMinutes,
                    "How long a peer may train a chunk before it may go to another peer")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 10080.0));
  serve->add_option("--state", o->stateFile, "Where what was trained is remembered across restarts")
      ->capture_default_str();
  serve->add_option("--caption-extension", o->captionExtension, "Extension of the caption files")->capture_default_str();
  serve->add_option("--default-caption", o->defaultCaption, "Caption for images without a caption file");
  serve->add_option("--min-image-size", o->minImageSize, "Skip images whose shorter side is smaller")
      ->check(CLI::Range(0, 65536));
  serve->add_option("--filter", o->filters, "WebDataset json filter such as \"original_width >= 512\" (repeatable)");
  commands.push_back({serve, [o](Reporter& r) { return runServeData(r, *o); }});
}

}  // namespace sds::cli
