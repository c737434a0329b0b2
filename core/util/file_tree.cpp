#include "util/file_tree.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace sds {
namespace {

thread_local std::string firstFailure;

int removeEntry(const char* path, const struct stat*, int type, struct FTW*) {
  const int result = type == FTW_DP ? ::rmdir(path) : ::unlink(path);
  if (result != 0 && errno != ENOENT && firstFailure.empty())
    firstFailure = std::string(path) + ": " + std::strerror(errno);
  return 0;  // go on: remove as much as possible
}

bool exists(const std::string& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0;
}

}  // namespace

bool removeTree(const std::string& path, std::string* error) {
  if (!exists(path)) return true;
  firstFailure.clear();
  if (::nftw(path.c_str(), removeEntry, 32, FTW_DEPTH | FTW_PHYS) != 0 && firstFailure.empty())
    firstFailure = path + ": " + std::strerror(errno);
  if (error) *error = firstFailure;
  return firstFailure.empty() && !exists(path);
}

void replaceFolder(const std::string& from, const std::string& to) {
  const std::string aside = to + ".old";
  std::string reason;
  if (!removeTree(aside, &reason)) throw std::runtime_error("cannot remove " + aside + ": " + reason);
  const bool replacing = exists(to);
  if (replacing && ::rename(to.c_str(), aside.c_str()) != 0)
    throw std::runtime_error("cannot move " + to + " aside to replace it: " + std::strerror(errno));
  if (::rename(from.c_str(), to.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    if (replacing) ::rename(aside.c_str(), to.c_str());  // put the old one back
    throw std::runtime_error("cannot move " + from + " to " + to + ": " + why);
  }
  removeTree(aside);  // the new folder is in place; a leftover is removed by the next replacement
}

}  // namespace sds
