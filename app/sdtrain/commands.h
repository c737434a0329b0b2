#pragma once
// The sdtrain subcommands. Each returns a process exit code (exit_codes.h).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "reporter.h"

namespace sds::cli {

int runConfigCheck(Reporter& reporter, const std::string& file);
int runConfigDefaults(Reporter& reporter, const std::string& outFile);
int runConfigDocs(Reporter& reporter, const std::string& outFile);
int runVersion(bool json);
int runDemo(Reporter& reporter, const std::string& outDir);

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
