// sdtrain config check | defaults | docs

#include <iostream>

#include "commands.h"
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

int runConfigDefaults(Reporter& reporter, const std::string& outFile) {
  return writeOutput(reporter, config::writeProject(config::Project()), outFile);
}

int runConfigDocs(Reporter& reporter, const std::string& outFile) {
  return writeOutput(reporter, config::markdownReference(), outFile);
}

}  // namespace sds::cli
