#pragma once
// Reading diffusers/transformers config.json files: typed fields with messages that name the file
// and the key. Keys a reader does not ask for are ignored (the files carry many); null counts as
// absent, as the Python libraries treat it. Header-only; include from .cpp files that link nlohmann-json.

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/config_error.h"
#include "util/atomic_file.h"
#include "util/json_integer.h"

namespace sds::io {

template <typename T>
struct IsIntegerVector : std::false_type {};
template <typename U>
struct IsIntegerVector<std::vector<U>> : std::bool_constant<std::is_integral_v<U> && !std::is_same_v<U, bool>> {};

class JsonConfig {
 public:
  JsonConfig(nlohmann::json object, std::string source) : object_(std::move(object)), source_(std::move(source)) {}

  // Parses a file that must hold a JSON object.
  static JsonConfig fromFile(const std::string& path, const char* expected) {
    std::string text;
    try {
      text = readFile(path);
    } catch (const std::exception& e) {
      throw ConfigError(e.what());
    }
    return fromText(text, path, expected);
  }

  static JsonConfig fromText(const std::string& text, const std::string& source, const char* expected) {
    nlohmann::json object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded() || !object.is_object())
      throw ConfigError(source + ": not a JSON object (expected " + expected + ")");
    return JsonConfig(std::move(object), source);
  }

  const std::string& source() const { return source_; }
  bool has(const char* key) const {
    const auto it = object_.find(key);
    return it != object_.end() && !it->is_null();
  }
  const nlohmann::json& raw(const char* key) const { return object_.at(key); }

  // Leaves `out` unchanged when the key is absent or null.
  template <typename T>
  void read(const char* key, T& out) const {
    if (has(key)) out = convert<T>(object_.at(key), key);
  }
  template <typename T>
  void read(const char* key, std::optional<T>& out) const {
    if (has(key)) out = convert<T>(object_.at(key), key);
  }
  template <typename T>
  T required(const char* key) const {
    if (!has(key)) fail(key, "is missing");
    return convert<T>(object_.at(key), key);
  }

  void requireOneOf(const char* key, const std::string& value, std::initializer_list<const char*> allowed) const {
    for (const char* a : allowed)
      if (value == a) return;
    std::string list;
    for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + "\"" + a + "\"";
    fail(key, "is \"" + value + "\", which SD Studio does not support; expected one of " + list);
  }

  [[noreturn]] void fail(const char* key, const std::string& problem) const {
    throw ConfigError(source_ + ": \"" + key + "\" " + problem);
  }

 private:
  template <typename T>
  T convert(const nlohmann::json& value, const char* key) const {
    try {
      if constexpr (std::is_same_v<T, double>) {
        if (value.is_number()) return value.get<double>();
      } else if constexpr (std::is_same_v<T, bool>) {
        if (value.is_boolean()) return value.get<bool>();
      } else if constexpr (std::is_integral_v<T>) {
        if (const std::optional<T> integer = integerOf<T>(value)) return *integer;
      } else if constexpr (std::is_same_v<T, std::string>) {
        if (value.is_string()) return value.get<std::string>();
      } else if constexpr (IsIntegerVector<T>::value) {
        // Element by element: nlohmann would cast floats beyond the integer's range (undefined).
        if (value.is_array()) {
          T out;
          for (const nlohmann::json& item : value) {
            const auto integer = integerOf<typename T::value_type>(item);
            if (!integer) break;
            out.push_back(*integer);
          }
          if (out.size() == value.size()) return out;
        }
      } else {
        return value.get<T>();
      }
    } catch (const std::exception&) {
    }
    fail(key, "has the value " + value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                  " of the wrong type");
  }

  nlohmann::json object_;
  std::string source_;
};

}  // namespace sds::io
