// sdtrain demo [--out DIR]: the built-in demo, headless. It writes the demo's two project files into
// DIR (keeping ones already there, perhaps edited), trains the tiny autoencoder, then the tiny
// text-to-image model on generated images of shapes, and says where the samples are.

#include <filesystem>

#include <CLI/CLI.hpp>

#include <memory>

#include "commands.h"
#include "embedded.h"
#include "exit_codes.h"
#include "util/atomic_file.h"
#include "util/log.h"

namespace sds::cli {

int runDemo(Reporter& reporter, const std::string& outDir, std::int64_t maxSteps) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::absolute(outDir);
  const fs::path vaeProject = folder / "demo_vae.toml";
  const fs::path project = folder / "demo.toml";
  try {
    fs::create_directories(folder);
    for (const auto& [file, text] : {std::pair{vaeProject, resources::demoVaeProject()}, {project, resources::demoProject()}}) {
      if (fs::exists(file)) {
        log::info("using the existing demo project " + file.string());
      } else {
        writeFileAtomically(file.string(), text);
        log::info("wrote the demo project " + file.string());
      }
    }
  } catch (const std::exception& e) {
    reporter.fail(std::string("cannot prepare the demo folder: ") + e.what(), "choose another folder with --out DIR");
    return kExitFailure;
  }

  // Each phase continues from its newest checkpoint, so an interrupted demo picks up where it stopped.
  TrainOptions phase;
  phase.resume = "latest";
  phase.maxSteps = maxSteps;
  if (fs::exists(folder / "output-vae" / "vae" / "config.json")) {
    reporter.say("Phase 1 of 2: the autoencoder is trained already (" + (folder / "output-vae" / "vae").string() + ")");
  } else {
    reporter.say("Phase 1 of 2: training the autoencoder (" + vaeProject.string() + ")");
    phase.project = vaeProject.string();
    if (const int code = runTrain(reporter, phase); code != kExitOk) return code;
  }
  reporter.say("Phase 2 of 2: training the text-to-image model (" + project.string() + ")");
  phase.project = project.string();
  if (const int code = runTrain(reporter, phase); code != kExitOk) return code;

  const fs::path samples = folder / "output" / "samples";
  reporter.say("Samples: " + samples.string());
  return kExitOk;
}

void addDemoCommand(CLI::App& app, Commands& commands) {
  auto out = std::make_shared<std::string>("sdstudio-demo");
  auto maxSteps = std::make_shared<std::int64_t>(0);
  CLI::App* demo = app.add_subcommand("demo", "Train the built-in demo model on generated images of shapes");
  demo->add_option("--out", *out, "Folder for the demo project and its results")->capture_default_str();
  demo->add_option("--max-steps", *maxSteps, "Shorten both training phases to this many steps (a quick look)")
      ->check(CLI::PositiveNumber);
  commands.push_back({demo, [out, maxSteps](Reporter& r) { return runDemo(r, *out, *maxSteps); }});
}

}  // namespace sds::cli
