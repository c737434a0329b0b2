#pragma once
// A TOML node read as a setting's value, the one conversion the project reader and the in-place
// editor share (an integer is accepted for a number; lists hold strings only).

#include <toml++/toml.h>

#include <optional>

#include "config/schema.h"

namespace sds::config {

// nullopt when the node's TOML type does not fit the setting's type.
std::optional<Value> valueFromToml(const Setting& setting, const toml::node& node);

}  // namespace sds::config
