// sdtrain: SD Studio's headless trainer and tools. The GUI drives the same program through the
// event protocol (--events jsonl); scripts and clusters run it directly.

#include <CLI/CLI.hpp>

#include <execinfo.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "commands.h"
#include "exit_codes.h"
#include "runtime/versions.h"
#include "util/log.h"

namespace {

using sds::cli::Reporter;

struct GlobalOptions {
  std::string events = "text";
  std::string logLevel = "info";
};

}  // namespace

namespace {

// A crash still leaves a report: the signal and the stack, on stderr (which the studio shows with the
// last log lines), then the default action so the exit status tells what happened.
extern "C" void reportCrash(int signal) {
  const char header[] = "sdtrain crashed (signal ";
  (void)!write(STDERR_FILENO, header, sizeof header - 1);
  char number[4] = {char('0' + signal / 10 % 10), char('0' + signal % 10), ')', '\n'};
  (void)!write(STDERR_FILENO, number, sizeof number);
  void* frames[64];
  backtrace_symbols_fd(frames, backtrace(frames, 64), STDERR_FILENO);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace

int main(int argc, char** argv) {
  for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(signal, reportCrash);
  using namespace sds::cli;

  CLI::App app{"sdtrain — Stable Diffusion training, headless. Part of SD Studio."};
  app.require_subcommand(0, 1);
  GlobalOptions global;
  app.add_option("--events", global.events, "Output format: text for people, jsonl for protocol events on stdout")
      ->check(CLI::IsMember({"text", "jsonl"}));
  app.add_option("--log-level", global.logLevel, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  bool showVersion = false;
  app.add_flag("--version", showVersion, "Print the versions of sdtrain and its libraries");

  // In the order --help lists them; `version` runs without a reporter.
  Commands commands;
  addConfigCommands(app, commands);
  addDatasetCommands(app, commands);
  bool versionJson = false;
  CLI::App* version = app.add_subcommand("version", "Print the versions of sdtrain and its libraries");
  version->add_flag("--json", versionJson, "As a JSON array of {name, version}");
  addDemoCommand(app, commands);
  addTrainCommand(app, commands);
  addModelCommands(app, commands);
  addBenchCommand(app, commands);
  addGpusCommand(app, commands);
  addGenerateCommand(app, commands);
#ifdef SDS_HAVE_SWARM
  addSwarmCommands(app, commands);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  sds::log::setLevel(*sds::log::parseLevel(global.logLevel));
  if (showVersion || version->parsed()) return runVersion(versionJson);

  Reporter reporter(global.events == "jsonl" ? Reporter::Mode::Jsonl : Reporter::Mode::Text);
  try {
    for (const Command& command : commands)
      if (command.app->parsed()) return command.run(reporter);
  } catch (const std::exception& e) {
    // Anything unexpected still ends as an error report and a clean exit, never a crash.
    reporter.fail(std::string("internal error: ") + e.what(),
                  "please report this with the command line that caused it");
    return kExitFailure;
  }
  std::cerr << app.help();
  return kExitUsage;
}
