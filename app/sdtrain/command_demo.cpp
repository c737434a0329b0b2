// sdtrain demo [--out DIR]: the built-in demo project, headless.

#include <filesystem>

#include "commands.h"
#include "config/project.h"
#include "embedded.h"
#include "exit_codes.h"
#include "util/atomic_file.h"
#include "util/log.h"

namespace sds::cli {

int runDemo(Reporter& reporter, const std::string& outDir) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::absolute(outDir);
  const fs::path projectFile = folder / "demo.toml";
  try {
    fs::create_directories(folder);
    if (fs::exists(projectFile)) {
      // An earlier run's project (perhaps edited) is kept, never overwritten.
      log::info("using the existing demo project " + projectFile.string());
    } else {
      writeFileAtomically(projectFile.string(), resources::demoProject());
      log::info("wrote the demo project to " + projectFile.string());
    }
  } catch (const std::exception& e) {
    reporter.fail(std::string("cannot prepare the demo folder: ") + e.what(),
                  "choose another folder with --out DIR");
    return kExitFailure;
  }

  const config::LoadResult result = config::loadProject(projectFile.string());
  for (const config::Diagnostic& d : result.diagnostics)
    log::write(d.isError() ? log::Level::Error : log::Level::Warn, d.format());
  if (!result.ok()) {
    reporter.fail(projectFile.string() + " is not a valid project",
                  "delete it to get the built-in demo project back");
    return kExitInvalidInput;
  }
  reporter.emit(protocol::StateEvent{"finished", "demo project validated"});
  const std::string out = (folder / result.project.getString("output.directory")).string();
  reporter.say("Demo project: " + projectFile.string() + " (valid)");
  reporter.say("Results folder: " + out);
  reporter.say("This build validates the demo project; training it arrives with the trainer (`sdtrain train`).");
  return kExitOk;
}

}  // namespace sds::cli
