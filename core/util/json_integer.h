#pragma once
// Integers from JSON that others wrote (a peer's answer, a state or progress file, a LoRA's config).
// nlohmann's get<integer>() turns a JSON float into an integer with a plain cast, which is undefined
// behaviour beyond the integer's range (1e300); these take only JSON integers within T's range.
// Header-only; include from .cpp files that link nlohmann-json.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace sds {

template <typename T>
std::optional<T> integerOf(const nlohmann::json& value) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if (!value.is_number_integer()) return std::nullopt;
  if (value.is_number_unsigned()) {
    const std::uint64_t u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(u);
  }
  const std::int64_t s = value.get<std::int64_t>();
  if constexpr (std::is_unsigned_v<T>) {
    if (s < 0 || static_cast<std::uint64_t>(s) > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
      return std::nullopt;
  } else {
    if (s < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
        s > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
      return std::nullopt;
  }
  return static_cast<T>(s);
}

// object[key] as a T; std::invalid_argument naming the key when it is missing or no such integer.
template <typename T>
T integerAt(const nlohmann::json& object, const char* key) {
  const auto it = object.is_object() ? object.find(key) : object.end();
  if (it == object.end()) throw std::invalid_argument(std::string("no \"") + key + "\"");
  if (const std::optional<T> value = integerOf<T>(*it)) return *value;
  throw std::invalid_argument(std::string("\"") + key + "\" is " + it->dump().substr(0, 40) +
                              ", not an integer in range");
}

}  // namespace sds
