#pragma once
// Removing and replacing whole folders (checkpoints, saved models) with POSIX calls. The trainer does
// not use std::filesystem::remove_all: LibTorch 2.x wheels export an older std::filesystem of their
// own, which takes precedence in the process and crashes in remove_all.

#include <string>

namespace sds {

// Removes a file or a folder with everything in it; symbolic links are removed, never followed. A path
// that does not exist is not an error. Returns false, with the reason in `error`, when something stays.
bool removeTree(const std::string& path, std::string* error = nullptr);

// Moves the complete folder `from` to `to`. A folder already at `to` is renamed aside first and removed
// only once `from` is in place, so `to` never holds a half-written folder. Throws std::runtime_error
// naming the folders.
void replaceFolder(const std::string& from, const std::string& to);

}  // namespace sds
