#pragma once
// The sdtrain subcommands. Each command_*.cpp registers its own (add…Command) with how to run it;
// runs return a process exit code (exit_codes.h).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reporter.h"
#include "train/training_benchmark.h"

namespace CLI {
class App;
}

namespace sds::config {
struct Preset;
}
namespace sds::train {
class GradientSync;
}

namespace sds::cli {

// A subcommand as registered, and what runs it once the command line named it.
struct Command {
  CLI::App* app = nullptr;
  std::function<int(Reporter&)> run;
};
using Commands = std::vector<Command>;

void addConfigCommands(CLI::App& app, Commands& commands);   // config check | defaults | presets | docs
void addDatasetCommands(CLI::App& app, Commands& commands);  // dataset check
void addDemoCommand(CLI::App& app, Commands& commands);
void addTrainCommand(CLI::App& app, Commands& commands);
void addModelCommands(CLI::App& app, Commands& commands);    // model info
void addBenchCommand(CLI::App& app, Commands& commands);
void addGenerateCommand(CLI::App& app, Commands& commands);
void addGpusCommand(CLI::App& app, Commands& commands);     // gpus
#ifdef SDS_HAVE_SWARM
void addSwarmCommands(CLI::App& app, Commands& commands);   // swarm new-key | bootstrap | reachability | serve-data
void addServeDataCommand(CLI::App& swarmApp, Commands& commands);
#endif

int runConfigCheck(Reporter& reporter, const std::string& file);
int runConfigDefaults(Reporter& reporter, const std::string& outFile, const std::string& preset = {});
int runConfigPresets(bool json);
// The preset named `id`, or nullptr after reporting that there is none and which there are.
const config::Preset* findPresetOrReport(Reporter& reporter, const std::string& id);
int runConfigDocs(Reporter& reporter, const std::string& outFile);
int runVersion(bool json);
// sdtrain bench: the training step's images/s, TFLOP/s and peak memory; with `sync`, each step's
// gradients averaged over its ranks.
int runBench(Reporter& reporter, const train::BenchmarkOptions& options, bool json, train::GradientSync* sync);
// `sdtrain bench --preset ID`: the preset's model shape, batch, resolution, precision and memory
// savers; false (after reporting) for an unknown preset.
bool applyBenchPreset(Reporter& reporter, const std::string& id, train::BenchmarkOptions& options);
// sdtrain model info: the family, prediction type and native size of a model, as text or JSON.
int runModelInfo(Reporter& reporter, const std::string& path, bool json);
int runDemo(Reporter& reporter, const std::string& outDir, std::int64_t maxSteps = 0);

// sdtrain train PROJECT: options that override the project file's.
struct TrainOptions {
  std::string project;
  std::string resume;          // "latest" or a checkpoint folder; empty: the project's setting
  std::int64_t maxSteps = 0;   // 0: the project's
  std::string outputDirectory; // empty: the project's
  std::string gpus;            // empty: distributed.gpus
  int cpuProcesses = 0;        // 0: distributed.cpu_processes
  std::vector<std::string> swarmPeers;  // join the swarm through these (swarm.peers)
  std::string swarmKey;        // empty: swarm.run_key
  int swarmPort = -1;          // -1: swarm.port
};
int runTrain(Reporter& reporter, const TrainOptions& options);

// sdtrain generate: the options as given on the command line (docs/cli.md).
struct GenerateOptions {
  std::string model;
  std::string prompt;
  std::optional<std::string> negativePrompt;
  int steps = 25;
  double guidance = 7.5;
  std::string sampler = "dpmpp_2m_karras";
  int width = 0, height = 0;  // 0: the model's native size
  std::optional<std::uint64_t> seed;  // absent: a random seed, reported and stored with the images
  int batch = 1;
  std::string device = "cpu";
  std::string dtype;  // empty: fp32 on the CPU, bf16 on a GPU
  std::string configFolder;
  std::string lora;  // a LoRA file applied to the model
  std::string prediction;  // empty: the model's own
  std::string out;
  std::string initLatents;
  std::string saveRaw;
  std::string vaeTiling = "auto";  // auto, on, off (models/vae_decoding.h)
};
int runGenerate(Reporter& reporter, const GenerateOptions& options);
// sdtrain dataset check: unset options come from the project file (--project) or the schema defaults.
struct DatasetCheckOptions {
  std::string path;     // may be empty with a project file
  std::string project;  // a project file whose [dataset] and [resolution] settings apply
  bool json = false;
  std::size_t examples = 5;  // files listed per kind of issue in the text report (0: all)
  std::optional<std::string> captionExtension, defaultCaption;
  std::optional<int> minSize, resolution, minBucket, maxBucket;
  std::vector<std::string> filters;
};
int runDatasetCheck(Reporter& reporter, const DatasetCheckOptions& options);

// Writes `content` to `outFile` atomically, or to stdout when outFile is empty.
int writeOutput(Reporter& reporter, const std::string& content, const std::string& outFile);

}  // namespace sds::cli
