#pragma once
// Exit codes of sdtrain, documented in docs/cli.md.

namespace sds::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;       // the command ran and failed (a file could not be written, training failed)
constexpr int kExitUsage = 2;         // bad command line: unknown option, missing argument
constexpr int kExitInvalidInput = 3;  // the input is invalid: a project file with errors, an unreadable file
constexpr int kExitStopped = 4;       // training was stopped (command, Ctrl+C, SIGTERM) before its last step
constexpr int kExitGroupLost = 5;     // a rank of a data-parallel run ended because another rank did

}  // namespace sds::cli
