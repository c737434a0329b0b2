#pragma once
// A model or scheduler config file (config.json, scheduler_config.json) that cannot be used; the
// message names the file, the key and what was expected.

#include <stdexcept>

namespace sds::io {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sds::io
