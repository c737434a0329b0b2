#include "data/cache_entry.h"

#include <filesystem>

#include "util/log.h"

namespace sds::data {

bool reusableCacheEntry(const std::string& path, const std::function<void()>& check) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return false;
  try {
    check();
    return true;
  } catch (const std::exception& e) {
    log::warn(std::string(e.what()) + "; making it again");
    return false;
  }
}

}  // namespace sds::data
