#include "models/io/peft_adapter_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "util/json_integer.h"

namespace sds::models {
namespace {

using Json = nlohmann::json;

bool nameOrSuffix(const std::string& name, const std::string& key) {
  return name == key || (name.size() > key.size() && name.compare(name.size() - key.size(), key.size(), key) == 0 &&
                         name[name.size() - key.size() - 1] == '.');
}

template <class T>
T mostCommon(const std::vector<T>& values) {
  std::map<T, int> counts;
  for (const T& v : values) ++counts[v];
  return std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

// One LoraConfig field from `object[key]`; `where` names it in messages.
void readField(const Json& value, const std::string& field, const std::string& where, PeftLoraConfig& c) {
  const auto fail = [&](const char* expected) {
    throw std::runtime_error(where + ": expected " + expected + ", got " + value.dump());
  };
  if (field == "r") {
    const std::optional<int> rank = integerOf<int>(value);
    if (!rank || *rank <= 0) fail("a positive integer");
    c.r = *rank;
  } else if (field == "lora_alpha") {
    if (value.is_null()) return;
    if (!value.is_number() || !(value.get<double>() > 0)) fail("a positive number");
    c.loraAlpha = value.get<double>();
  } else if (field == "rank_pattern" || field == "alpha_pattern") {
    if (value.is_null()) return;
    if (!value.is_object()) fail("an object of module names to numbers");
    for (const auto& [module, number] : value.items()) {
      if (!number.is_number() || !(number.get<double>() > 0)) fail("an object of module names to positive numbers");
      if (field == "rank_pattern") {
        const std::optional<int> rank = integerOf<int>(number);
        if (!rank) fail("an object of module names to positive integers (ranks)");
        c.rankPattern[module] = *rank;
      } else {
        c.alphaPattern[module] = number.get<double>();
      }
    }
  } else if (field == "target_modules") {
    if (value.is_string()) {
      c.targetModules = {value.get<std::string>()};
    } else if (value.is_array()) {
      for (const Json& m : value) {
        if (!m.is_string()) fail("a list of module names");
        c.targetModules.push_back(m.get<std::string>());
      }
    } else if (!value.is_null()) {
      fail("a list of module names");
    }
  }
  // Other LoraConfig fields (dropout, bias, init…) do not change the loaded weights' effect.
}

Json parse(const std::string& text, const std::string& source) {
  try {
    Json json = Json::parse(text);
    if (!json.is_object()) throw std::runtime_error(source + ": expected a JSON object");
    return json;
  } catch (const Json::parse_error& e) {
    throw std::runtime_error(source + ": invalid JSON (" + e.what() + ")");
  }
}

}  // namespace

double PeftLoraConfig::alphaOf(const std::string& module, int rank) const {
  for (const auto& [key, alpha] : alphaPattern)
    if (nameOrSuffix(module, key)) return alpha;
  return loraAlpha.value_or(static_cast<double>(rank));
}

std::string peftAdapterMetadata(const std::map<std::string, std::vector<PeftModuleFacts>>& components) {
  Json json = Json::object();
  for (const auto& [prefix, modules] : components) {
    if (modules.empty()) continue;
    std::vector<int> ranks;
    std::vector<double> alphas;
    Json targets = Json::array();
    for (const PeftModuleFacts& m : modules) {
      ranks.push_back(m.rank);
      alphas.push_back(m.alpha);
      targets.push_back(m.module);
    }
    const int r = mostCommon(ranks);
    const double alpha = mostCommon(alphas);
    Json rankPattern = Json::object(), alphaPattern = Json::object();
    for (const PeftModuleFacts& m : modules) {
      if (m.rank != r) rankPattern[m.module] = m.rank;
      if (m.alpha != alpha) alphaPattern[m.module] = m.alpha;
    }
    json[prefix + ".r"] = r;
    json[prefix + ".lora_alpha"] = alpha;
    json[prefix + ".rank_pattern"] = rankPattern;
    json[prefix + ".alpha_pattern"] = alphaPattern;
    json[prefix + ".target_modules"] = targets;
  }
  return json.dump(2);
}

std::map<std::string, PeftLoraConfig> readPeftAdapterMetadata(const std::string& text, const std::string& source) {
  const Json json = parse(text, source);
  std::map<std::string, PeftLoraConfig> configs;
  for (const auto& [key, value] : json.items()) {
    // A pipeline's file prefixes each key with its component; one model's (save_lora_adapter) does not,
    // and its config is kept under "".
    const std::size_t dot = key.rfind('.');
    const std::string component = dot == std::string::npos ? "" : key.substr(0, dot);
    readField(value, key.substr(dot == std::string::npos ? 0 : dot + 1), source + " \"" + key + "\"", configs[component]);
  }
  return configs;
}

PeftLoraConfig readPeftAdapterConfig(const std::string& text, const std::string& source) {
  const Json json = parse(text, source);
  PeftLoraConfig config;
  for (const auto& [key, value] : json.items()) readField(value, key, source + " \"" + key + "\"", config);
  return config;
}

}  // namespace sds::models
