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

  CLI::App* config = app.add_subcommand("config", "Project files: check, defaults, presets, docs");
  config->require_subcommand(1);
  std::string checkFile;
  CLI::App* check = config->add_subcommand("check", "Check a project file and report every problem in it");
  check->add_option("FILE", checkFile, "Project file (.toml)")->required();
  std::string defaultsOut, defaultsPreset;
  CLI::App* defaults = config->add_subcommand("defaults", "Print a complete project file with every default");
  defaults->add_option("--out", defaultsOut, "Write to this file instead of stdout");
  defaults->add_option("--preset", defaultsPreset,
                       "Start from a preset's training settings (sdtrain config presets lists them)");
  bool presetsJson = false;
  CLI::App* presetList =
      config->add_subcommand("presets", "List the presets: LoRA and full fine-tunes tuned for 8, 12 and 24 GB cards");
  presetList->add_flag("--json", presetsJson, "As one JSON array");
  std::string docsOut;
  CLI::App* docs = config->add_subcommand("docs", "Print the Markdown reference of every project setting");
  docs->add_option("--out", docsOut, "Write to this file instead of stdout");

  CLI::App* dataset = app.add_subcommand("dataset", "Datasets: check");
  dataset->require_subcommand(1);
  DatasetCheckOptions datasetCheck;
  std::string captionExtension, defaultCaption;
  int minSize = 0, resolution = 0, minBucket = 0, maxBucket = 0;
  CLI::App* datasetCheckCommand = dataset->add_subcommand(
      "check", "Scan a dataset as training would and report its images, concepts, buckets and every problem");
  datasetCheckCommand->add_option("PATH", datasetCheck.path,
                                  "A folder of images, a .tar shard or a shard pattern like shards/shard-{000..099}.tar");
  datasetCheckCommand->add_option("--project", datasetCheck.project,
                                  "Take the dataset and resolution settings from this project file (.toml); "
                                  "options given here override them");
  datasetCheckCommand->add_flag("--json", datasetCheck.json, "Print the report as one JSON object");
  datasetCheckCommand->add_option("--examples", datasetCheck.examples, "Files listed per kind of issue (0: all)")
      ->capture_default_str();
  CLI::Option* captionExtensionOption =
      datasetCheckCommand->add_option("--caption-extension", captionExtension, "Caption file extension (default .txt)");
  CLI::Option* defaultCaptionOption = datasetCheckCommand->add_option(
      "--default-caption", defaultCaption, "Caption for images without a caption file (default: none, reported)");
  CLI::Option* minSizeOption = datasetCheckCommand->add_option(
      "--min-size", minSize, "Images with a shorter side below this many pixels are skipped (default 256)")
      ->check(CLI::Range(1, 65536));
  CLI::Option* resolutionOption =
      datasetCheckCommand->add_option("--resolution", resolution, "Training resolution for the buckets (default 512)")
          ->check(CLI::Range(64, 8192));
  CLI::Option* minBucketOption =
      datasetCheckCommand->add_option("--min-bucket", minBucket, "Shortest bucket side (default 256)")
          ->check(CLI::Range(64, 8192));
  CLI::Option* maxBucketOption =
      datasetCheckCommand->add_option("--max-bucket", maxBucket, "Longest bucket side (default 1024)")
          ->check(CLI::Range(64, 8192));
  datasetCheckCommand->add_option("--filter", datasetCheck.filters,
                                  "WebDataset json filter such as \"original_width >= 512\" (repeatable)");

  bool versionJson = false;
  CLI::App* version = app.add_subcommand("version", "Print the versions of sdtrain and its libraries");
  version->add_flag("--json", versionJson, "As a JSON array of {name, version}");

  std::string demoOut = "sdstudio-demo";
  std::int64_t demoSteps = 0;
  CLI::App* demo = app.add_subcommand("demo", "Train the built-in demo model on generated images of shapes");
  demo->add_option("--out", demoOut, "Folder for the demo project and its results")->capture_default_str();
  demo->add_option("--max-steps", demoSteps, "Shorten both training phases to this many steps (a quick look)")
      ->check(CLI::PositiveNumber);

  TrainOptions trainOptions;
  CLI::App* trainCommand = app.add_subcommand("train", "Train as a project file says (docs/training.md)");
  trainCommand->add_option("project", trainOptions.project, "The project file (.toml)")->required();
  trainCommand->add_option("--resume", trainOptions.resume,
                           "Continue from a checkpoint folder, or latest for the run's newest checkpoint");
  trainCommand->add_option("--max-steps", trainOptions.maxSteps, "Train for this many steps instead")
      ->check(CLI::PositiveNumber);
  trainCommand->add_option("--output", trainOptions.outputDirectory, "Run folder instead of output.directory");

  std::string modelPath;
  bool modelJson = false;
  CLI::App* model = app.add_subcommand("model", "Models: info");
  model->require_subcommand(1);
  CLI::App* modelInfo =
      model->add_subcommand("info", "Say what a model is (family, prediction type, size) without loading it");
  modelInfo->add_option("PATH", modelPath, "A diffusers folder or a .safetensors checkpoint")->required();
  modelInfo->add_flag("--json", modelJson, "As one JSON object");

  sds::train::BenchmarkOptions benchOptions;
  bool benchJson = false, benchFull = false;
  CLI::App* bench = app.add_subcommand(
      "bench", "Time the training step on the real UNet shapes with random weights (images/s, TFLOP/s, memory)");
  bench->add_option("--model", benchOptions.model, "sd15, sd21, sdxl or tiny")->capture_default_str();
  bench->add_option("--batch", benchOptions.batch, "Images per step")->capture_default_str();
  bench->add_option("--resolution", benchOptions.resolution, "Image side in pixels (default: the model's native)");
  bench->add_option("--precision", benchOptions.precision, "fp32, bf16 or fp16")->capture_default_str();
  bench->add_option("--attention", benchOptions.attention, "sdpa (fused kernels, cuDNN's where they apply), torch-sdpa (LibTorch's pick) or math")->capture_default_str();
  bench->add_flag("--checkpointing", benchOptions.checkpointing, "Gradient checkpointing");
  bench->add_flag("--full", benchFull, "Encode images and captions in every step (latents not cached)");
  bench->add_option("--optimizer", benchOptions.optimizer, "adamw or adamw8bit")->capture_default_str();
  bench->add_option("--lora-rank", benchOptions.loraRank, "Train LoRA adapters of this rank on the attention instead");
  bench->add_flag("--channels-last", benchOptions.channelsLast, "Convolutions in channels-last layout");
  bench->add_flag("--autotune", benchOptions.cudnnAutotune,
                  "Let cuDNN time its convolution algorithms for each shape instead of using its heuristics");
  bench->add_option("--steps", benchOptions.steps, "Timed steps")->capture_default_str();
  bench->add_option("--warmup", benchOptions.warmupSteps, "Untimed steps first")->capture_default_str();
  bench->add_option("--device", benchOptions.device, "cuda or cpu")->capture_default_str();
  bench->add_option("--profile", benchOptions.profilePath,
                    "Also profile 2 more steps and write their Chrome trace (kernels and operators) to this file");
  bench->add_flag("--json", benchJson, "As one JSON object");
  std::string benchPreset;
  CLI::Option* benchPresetOption = bench->add_option(
      "--preset", benchPreset, "Measure a preset's training step (its model, batch, resolution, memory savers)");
  for (const char* setByPreset : {"--model", "--batch", "--resolution", "--precision", "--checkpointing",
                                  "--optimizer", "--lora-rank"})
    benchPresetOption->excludes(bench->get_option(setByPreset));

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
    if (defaults->parsed()) return runConfigDefaults(reporter, defaultsOut, defaultsPreset);
    if (presetList->parsed()) return runConfigPresets(presetsJson);
    if (docs->parsed()) return runConfigDocs(reporter, docsOut);
    if (demo->parsed()) return runDemo(reporter, demoOut, demoSteps);
    if (trainCommand->parsed()) return runTrain(reporter, trainOptions);
    if (generate->parsed()) return runGenerate(reporter, generateOptions);
    if (modelInfo->parsed()) return runModelInfo(reporter, modelPath, modelJson);
    if (bench->parsed()) {
      benchOptions.cachedLatents = !benchFull;
      if (!benchPreset.empty() && !applyBenchPreset(reporter, benchPreset, benchOptions)) return kExitUsage;
      return runBench(reporter, benchOptions, benchJson);
    }
    if (datasetCheckCommand->parsed()) {
      if (datasetCheck.path.empty() && datasetCheck.project.empty()) {
        reporter.fail("dataset check needs a PATH or --project FILE", "sdtrain dataset check --help lists the options");
        return kExitUsage;
      }
      if (captionExtensionOption->count()) datasetCheck.captionExtension = captionExtension;
      if (defaultCaptionOption->count()) datasetCheck.defaultCaption = defaultCaption;
      if (minSizeOption->count()) datasetCheck.minSize = minSize;
      if (resolutionOption->count()) datasetCheck.resolution = resolution;
      if (minBucketOption->count()) datasetCheck.minBucket = minBucket;
      if (maxBucketOption->count()) datasetCheck.maxBucket = maxBucket;
      return runDatasetCheck(reporter, datasetCheck);
    }
  } catch (const std::exception& e) {
    // Anything unexpected still ends as an error report and a clean exit, never a crash.
    reporter.fail(std::string("internal error: ") + e.what(),
                  "please report this with the command line that caused it");
    return kExitFailure;
  }
  std::cerr << app.help();
  return kExitUsage;
}
