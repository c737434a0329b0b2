#pragma once
// The sdtrain subcommands. Each returns a process exit code (exit_codes.h).

#include <string>

#include "reporter.h"

namespace sds::cli {

int runConfigCheck(Reporter& reporter, const std::string& file);
int runConfigDefaults(Reporter& reporter, const std::string& outFile);
int runConfigDocs(Reporter& reporter, const std::string& outFile);
int runVersion(bool json);
int runDemo(Reporter& reporter, const std::string& outDir);

// Writes `content` to `outFile` atomically, or to stdout when outFile is empty.
int writeOutput(Reporter& reporter, const std::string& content, const std::string& outFile);

}  // namespace sds::cli
