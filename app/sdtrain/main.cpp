// sdtrain: SD Studio's headless trainer and tools. The GUI drives the same program through the
// event protocol (--events jsonl); scripts and clusters run it directly.

#include <CLI/CLI.hpp>

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

int main(int argc, char** argv) {
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

  CLI::App* config = app.add_subcommand("config", "Project files: check, defaults, docs");
  config->require_subcommand(1);
  std::string checkFile;
  CLI::App* check = config->add_subcommand("check", "Check a project file and report every problem in it");
  check->add_option("FILE", checkFile, "Project file (.toml)")->required();
  std::string defaultsOut;
  CLI::App* defaults = config->add_subcommand("defaults", "Print a complete project file with every default");
  defaults->add_option("--out", defaultsOut, "Write to this file instead of stdout");
  std::string docsOut;
  CLI::App* docs = config->add_subcommand("docs", "Print the Markdown reference of every project setting");
  docs->add_option("--out", docsOut, "Write to this file instead of stdout");

  bool versionJson = false;
  CLI::App* version = app.add_subcommand("version", "Print the versions of sdtrain and its libraries");
  version->add_flag("--json", versionJson, "As a JSON array of {name, version}");

  std::string demoOut = "sdstudio-demo";
  CLI::App* demo = app.add_subcommand("demo", "Prepare and run the built-in demo project");
  demo->add_option("--out", demoOut, "Folder for the demo project and its results")->capture_default_str();

  GenerateOptions generateOptions;
  CLI::App* generate = addGenerateCommand(app, generateOptions);

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
    if (check->parsed()) return runConfigCheck(reporter, checkFile);
    if (defaults->parsed()) return runConfigDefaults(reporter, defaultsOut);
    if (docs->parsed()) return runConfigDocs(reporter, docsOut);
    if (demo->parsed()) return runDemo(reporter, demoOut);
    if (generate->parsed()) return runGenerate(reporter, generateOptions);
  } catch (const std::exception& e) {
    // Anything unexpected still ends as an error report and a clean exit, never a crash.
    reporter.fail(std::string("internal error: ") + e.what(),
                  "please report this with the command line that caused it");
    return kExitFailure;
  }
  std::cerr << app.help();
  return kExitUsage;
}
