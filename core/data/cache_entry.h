#pragma once
// Whether an entry of an on-disk cache can be reused: it exists and its header checks out. A damaged entry (a
// crash mid-write by another tool, a full disk) is reported and counts as missing, to be made again.
// Torch-free.

#include <functional>
#include <string>

namespace sds::data {

// `check` opens the entry and throws std::exception when it is damaged.
bool reusableCacheEntry(const std::string& path, const std::function<void()>& check);

}  // namespace sds::data
