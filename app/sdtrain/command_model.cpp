// sdtrain model info PATH [--json]: what a model is (family, prediction type, native size), read
// from its configs and tensor headers without loading the weights. The studio's model picker runs it.

#include <nlohmann/json.hpp>

#include <c10/util/Exception.h>

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include <memory>

#include "commands.h"
#include "exit_codes.h"
#include "models/io/model_inspect.h"

namespace sds::cli {

int runModelInfo(Reporter& reporter, const std::string& path, bool json) {
  models::ModelSummary summary;
  try {
    summary = models::inspectModel(path);
  } catch (const c10::Error& e) {
    reporter.fail(path + ": " + e.what_without_backtrace());
    return kExitInvalidInput;
  } catch (const std::exception& e) {
    // ConfigError, SafetensorsError and TokenizerError name the file and what is wrong.
    reporter.fail(e.what(), "SD Studio reads diffusers folders and .safetensors single-file checkpoints of "
                            "SD 1.x, SD 2.x and SDXL");
    return kExitInvalidInput;
  }
  if (json) {
    const nlohmann::json out = {{"path", summary.path},
                                {"layout", summary.layout},
                                {"family", models::familyName(summary.family)},
                                {"description", models::describeFamily(summary)},
                                {"prediction_type", summary.predictionType},
                                {"zero_terminal_snr", summary.zeroTerminalSnr},
                                {"resolution", summary.resolution},
                                {"unet_parameters", summary.unetParameters},
                                {"weights_dtype", summary.weightsDtype},
                                {"components", summary.components}};
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  char parameters[32];
  std::snprintf(parameters, sizeof parameters, "%.1f M", double(summary.unetParameters) / 1e6);
  reporter.say(summary.path + ": " + models::describeFamily(summary) + " (" + summary.layout + ")");
  reporter.say("  prediction type: " + summary.predictionType + (summary.zeroTerminalSnr ? ", zero terminal SNR" : ""));
  reporter.say("  native resolution: " + std::to_string(summary.resolution) + " px");
  reporter.say("  UNet: " + std::string(parameters) + " parameters, stored as " + summary.weightsDtype);
  return kExitOk;
}

void addModelCommands(CLI::App& app, Commands& commands) {
  CLI::App* model = app.add_subcommand("model", "Models: info");
  model->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* info = model->add_subcommand("info", "Say what a model is (family, prediction type, size) without loading it");
  info->add_option("PATH", *path, "A diffusers folder or a .safetensors checkpoint")->required();
  info->add_flag("--json", *json, "As one JSON object");
  commands.push_back({info, [path, json](Reporter& r) { return runModelInfo(r, *path, *json); }});
}

}  // namespace sds::cli
