// sdtrain config check | defaults | presets | docs

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include <memory>

#include "commands.h"
#include "config/presets.h"
#include "config/project.h"
#include "exit_codes.h"
#include "util/atomic_file.h"
#include "util/log.h"

namespace sds::cli {

int writeOutput(Reporter& reporter, const std::string& content, const std::string& outFile) {
  if (outFile.empty()) {
    std::cout << content << std::flush;
    return kExitOk;
  }
  try {
    writeFileAtomically(outFile, content);
  } catch (const std::exception& e) {
    reporter.fail(e.what());
    return kExitFailure;
  }
  log::info("wrote " + outFile);
  return kExitOk;
}

int runConfigCheck(Reporter& reporter, const std::string& file) {
  const config::LoadResult result = config::loadProject(file);
  int errors = 0, warnings = 0;
  for (const config::Diagnostic& d : result.diagnostics) {
    (d.isError() ? errors : warnings)++;
    if (reporter.mode() == Reporter::Mode::Jsonl)
      log::write(d.isError() ? log::Level::Error : log::Level::Warn, d.format());
    else
      reporter.say(d.format());
  }
  const std::string summary = file + ": " + std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") +
                              std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
  if (errors > 0) {
    reporter.fail(summary, "fix the lines above; docs/configuration.md describes every setting");
    return kExitInvalidInput;
  }
  reporter.say(summary + ": valid");
  return kExitOk;
}

const config::Preset* findPresetOrReport(Reporter& reporter, const std::string& id) {
  const config::Preset* preset = config::findPreset(id);
  if (!preset) reporter.fail("unknown preset \"" + id + "\"", "the presets are " + config::presetIds());
  return preset;
}

int runConfigDefaults(Reporter& reporter, const std::string& outFile, const std::string& presetId) {
  config::Project project;
  if (!presetId.empty()) {
    const config::Preset* preset = findPresetOrReport(reporter, presetId);
    if (!preset) return kExitUsage;
    project = config::applyPreset(*preset, project);
  }
  return writeOutput(reporter, config::writeProject(project), outFile);
}

int runConfigPresets(bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const config::Preset& p : config::presets()) {
      nlohmann::json settings = nlohmann::json::object();
      for (const auto& [key, value] : p.values) settings[key] = config::toTomlLiteral(value);
      out.push_back({{"id", p.id}, {"title", p.title}, {"summary", p.summary}, {"card_gib", p.cardGiB},
                     {"bench_model", p.bench}, {"measured_gib", p.measuredGiB}, {"settings", settings}});
    }
    std::cout << out.dump(2) << std::endl;
    return kExitOk;
  }
  for (const config::Preset& p : config::presets()) {
    char memory[64] = "";
    if (p.measuredGiB > 0) std::snprintf(memory, sizeof memory, "; its step needs %.1f GiB", p.measuredGiB);
    std::cout << p.id << ": " << p.title << ", for " << p.cardGiB << " GB cards" << memory << ". " << p.summary << "\n";
  }
  return kExitOk;
}

int runConfigDocs(Reporter& reporter, const std::string& outFile) {
  return writeOutput(reporter, config::markdownReference(), outFile);
}

void addConfigCommands(CLI::App& app, Commands& commands) {
  CLI::App* config = app.add_subcommand("config", "Project files: check, defaults, presets, docs");
  config->require_subcommand(1);

  auto checkFile = std::make_shared<std::string>();
  CLI::App* check = config->add_subcommand("check", "Check a project file and report every problem in it");
  check->add_option("FILE", *checkFile, "Project file (.toml)")->required();
  commands.push_back({check, [checkFile](Reporter& r) { return runConfigCheck(r, *checkFile); }});

  auto out = std::make_shared<std::string>(), preset = std::make_shared<std::string>();
  CLI::App* defaults = config->add_subcommand("defaults", "Print a complete project file with every default");
  defaults->add_option("--out", *out, "Write to this file instead of stdout");
  defaults->add_option("--preset", *preset, "Start from a preset's training settings (sdtrain config presets lists them)");
  commands.push_back({defaults, [out, preset](Reporter& r) { return runConfigDefaults(r, *out, *preset); }});

  auto json = std::make_shared<bool>(false);
  CLI::App* presets =
      config->add_subcommand("presets", "List the presets: LoRA and full fine-tunes tuned for 8, 12 and 24 GB cards");
  presets->add_flag("--json", *json, "As one JSON array");
  commands.push_back({presets, [json](Reporter&) { return runConfigPresets(*json); }});

  auto docsOut = std::make_shared<std::string>();
  CLI::App* docs = config->add_subcommand("docs", "Print the Markdown reference of every project setting");
  docs->add_option("--out", *docsOut, "Write to this file instead of stdout");
  commands.push_back({docs, [docsOut](Reporter& r) { return runConfigDocs(r, *docsOut); }});
}

}  // namespace sds::cli
