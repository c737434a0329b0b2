// sdtrain demo [--out DIR]: the built-in demo, headless. It writes the demo's two project files into
// DIR (keeping ones already there, perhaps edited), trains the tiny autoencoder, then the tiny
// text-to-image model on generated images of shapes, and says where the samples are.
// sdtrain demo --check [--out DIR]: judges the newest samples against their prompts.

#include <filesystem>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <memory>

#include "commands.h"
#include "data/shapes_dataset.h"
#include "data/shapes_reading.h"
#include "embedded.h"
#include "exit_codes.h"
#include "image/decode.h"
#include "image/png_writer.h"
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

// Reads each sample of the newest sampled step back (object colour, background colour, shape) and
// compares it with its prompt. Succeeds when at least three in four samples get all three right.
int checkDemo(Reporter& reporter, const std::string& outDir) {
  namespace fs = std::filesystem;
  const fs::path samples = fs::absolute(outDir) / "output" / "samples";
  std::vector<fs::path> newest;
  std::string newestStep;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(samples, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("step-", 0) != 0 || e.path().extension() != ".png") continue;
    const std::string step = name.substr(5, name.find('-', 5) - 5);
    if (step > newestStep) newestStep = step, newest.clear();
    if (step == newestStep) newest.push_back(e.path());
  }
  if (newest.empty()) {
    reporter.fail("no samples in " + samples.string(), "run `sdtrain demo --out " + outDir + "` first");
    return kExitFailure;
  }
  std::sort(newest.begin(), newest.end());
  int colours = 0, backgrounds = 0, shapes = 0, all = 0, judged = 0;
  for (const fs::path& path : newest) {
    std::string prompt;
    try {
      prompt = image::readPngText(path.string()).at("prompt");
    } catch (const std::exception&) {
      continue;  // not one of the trainer's samples
    }
    const auto parsed = data::parseShapesCaption(prompt);
    image::DecodeResult decoded = image::decodeImageFile(path.string());
    if (!parsed || !decoded) continue;
    const data::ShapesReading r = data::readShapesImage(decoded.value().image);
    ++judged;
    colours += r.colour == parsed->colour;
    backgrounds += r.background == parsed->background;
    shapes += r.shape == parsed->shape;
    all += data::shapesAgreement(r, prompt) == 3;
    reporter.say(path.filename().string() + ": \"" + prompt + "\" → " + r.colour + " " + r.shape + " on " +
                 r.background + (data::shapesAgreement(r, prompt) == 3 ? "  ✓" : ""));
  }
  if (judged == 0) {
    reporter.fail("no sample in " + samples.string() + " has a prompt of the demo's form");
    return kExitFailure;
  }
  const auto of = [&](int n) { return std::to_string(n) + "/" + std::to_string(judged); };
  reporter.say("step " + std::to_string(std::stoll(newestStep)) + ": object colour " + of(colours) + ", background " +
               of(backgrounds) + ", shape " + of(shapes) + ", all three " + of(all));
  return 4 * all >= 3 * judged ? kExitOk : kExitFailure;
}

void addDemoCommand(CLI::App& app, Commands& commands) {
  auto out = std::make_shared<std::string>("sdstudio-demo");
  auto maxSteps = std::make_shared<std::int64_t>(0);
  auto check = std::make_shared<bool>(false);
  CLI::App* demo = app.add_subcommand("demo", "Train the built-in demo model on generated images of shapes");
  demo->add_option("--out", *out, "Folder for the demo project and its results")->capture_default_str();
  demo->add_option("--max-steps", *maxSteps, "Shorten both training phases to this many steps (a quick look)")
      ->check(CLI::PositiveNumber);
  demo->add_flag("--check", *check,
                 "Do not train: judge the newest samples (object colour, background, shape) against their prompts");
  commands.push_back({demo, [out, maxSteps, check](Reporter& r) {
                        return *check ? checkDemo(r, *out) : runDemo(r, *out, *maxSteps);
                      }});
}

}  // namespace sds::cli
