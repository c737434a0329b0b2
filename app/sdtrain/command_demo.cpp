// sdtrain demo [--out DIR]: the built-in demo, headless. It writes the demo's two project files into
// DIR (keeping ones already there, perhaps edited), trains the tiny autoencoder, then the tiny
// text-to-image model on generated images of shapes, and says where the samples are.
// sdtrain demo --check [--out DIR]: judges the newest samples against their prompts.

#include <filesystem>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <memory>

#include "commands.h"
#include "data/demo_judgement.h"
#include "data/shapes_dataset.h"
#include "data/shapes_reading.h"
#include "demo_autoencoder_check.h"
#include "embedded.h"
#include "exit_codes.h"
#include "image/decode.h"
#include "image/image_grid.h"
#include "image/png_writer.h"
#include "util/atomic_file.h"
#include "util/log.h"

namespace sds::cli {
namespace {

namespace fs = std::filesystem;

// The samples of one folder by step (ascending) and prompt number: step-00000200-p03.png.
std::map<std::string, std::map<std::string, fs::path>> samplesByStep(const fs::path& folder) {
  std::map<std::string, std::map<std::string, fs::path>> steps;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(folder, ec)) {
    const std::string name = e.path().filename().string();
    const std::size_t dash = name.find("-p", 5);
    if (name.rfind("step-", 0) != 0 || dash == std::string::npos || e.path().extension() != ".png") continue;
    steps[name.substr(5, dash - 5)][name.substr(dash + 2)] = e.path();
  }
  return steps;
}

// Every sampled step as a row, every prompt as a column, twice the size: the demo's story in one
// picture. Returns false (with a warning in the log) where a sample cannot be read.
bool writeProgressGrid(const fs::path& samples, const fs::path& out) {
  std::vector<std::vector<image::Rgb8Image>> rows;
  for (const auto& [step, prompts] : samplesByStep(samples)) {
    rows.emplace_back();
    for (const auto& [number, path] : prompts) {
      image::DecodeResult decoded = image::decodeImageFile(path.string());
      if (!decoded) {
        log::warn("cannot read the sample " + path.string() + " for the progress grid");
        return false;
      }
      rows.back().push_back(decoded.take().image);
    }
  }
  if (rows.empty()) return false;
  try {
    image::writePng(out.string(), image::tileImages(rows, 2, 4));
  } catch (const std::exception& e) {
    log::warn(std::string("cannot write the progress grid: ") + e.what());
    return false;
  }
  return true;
}

}  // namespace

int runDemo(Reporter& reporter, const std::string& outDir, std::int64_t maxSteps) {
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
  const fs::path grid = folder / "output" / "demo-progress.png";
  if (writeProgressGrid(samples, grid))
    reporter.say("Progress (a row per sampled step, a column per prompt): " + grid.string());
  return kExitOk;
}

// Reads each sample of the newest sampled step back (object colour, background colour, shape) and
// compares it with its prompt (data::DemoJudgement says what passes).
int checkDemo(Reporter& reporter, const std::string& outDir) {
  const fs::path folder = fs::absolute(outDir);
  // The autoencoder first: the samples cannot be better than its reconstructions.
  if (fs::exists(folder / "output-vae" / "vae" / "config.json")) {
    try {
      const data::DemoJudgement vae =
          judgeDemoAutoencoder((folder / "dataset").string(), (folder / "output-vae" / "vae").string(), 120);
      reporter.say("autoencoder, reconstructions of " + std::to_string(vae.samples.size()) +
                   " training images: " + vae.summary());
      int shown = 0;
      for (const data::JudgedSample& s : vae.samples)
        if ((!s.coloursRight || !s.shapeRight) && shown++ < 10)
          reporter.say("  \"" + s.prompt + "\" reconstructed as " + s.reading.colour + " " + s.reading.shape + " on " +
                       s.reading.background);
    } catch (const std::exception& e) {
      reporter.say(std::string("autoencoder not judged: ") + e.what());
    }
  }
  const fs::path samples = folder / "output" / "samples";
  const auto steps = samplesByStep(samples);
  if (steps.empty()) {
    reporter.fail("no samples in " + samples.string(), "run `sdtrain demo --out " + outDir + "` first");
    return kExitFailure;
  }
  const std::string newestStep = steps.rbegin()->first;
  std::vector<fs::path> newest;
  for (const auto& [number, path] : steps.rbegin()->second) newest.push_back(path);
  std::vector<std::pair<std::string, data::ShapesReading>> readings;
  std::vector<std::string> names;
  for (const fs::path& path : newest) {
    std::string prompt;
    try {
      prompt = image::readPngText(path.string()).at("prompt");
    } catch (const std::exception&) {
      continue;  // not one of the trainer's samples
    }
    image::DecodeResult decoded = image::decodeImageFile(path.string());
    if (!decoded) continue;
    readings.emplace_back(prompt, data::readShapesImage(decoded.value().image));
    names.push_back(path.filename().string());
  }
  const data::DemoJudgement judged = data::judgeDemoSamples(readings);
  if (judged.samples.empty()) {
    reporter.fail("no sample in " + samples.string() + " has a prompt of the demo's form");
    return kExitFailure;
  }
  for (const data::JudgedSample& s : judged.samples) {
    reporter.say(names[s.index] + ": \"" + s.prompt + "\"" + (s.heldOut ? " (held out)" : "") + " → " + s.reading.colour +
                 " " + s.reading.shape + " on " + s.reading.background + (s.coloursRight ? "  colours ✓" : "") +
                 (s.shapeRight ? "  shape ✓" : ""));
  }
  reporter.say("step " + std::to_string(std::stoll(newestStep)) + ": " + judged.summary() +
               (judged.learned() ? " — learned" : " — not learned yet"));
  return judged.learned() ? kExitOk : kExitFailure;
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
