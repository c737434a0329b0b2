#include "train/run_identity.h"

#include <map>

#include "train/data/model_identity.h"

namespace sds::train {
namespace {

std::string identityWithModel(const TrainSettings& s, const std::string& model) {
  std::string id = "method=" + s.method + ";model=" + model + ";optimizer=" + (s.adamw.eightBit ? "adamw8bit" : "adamw") +
                   ";train_unet=" + std::to_string(s.trainUnet) + ";train_text_encoder=" +
                   std::to_string(s.trainTextEncoder) + ";ema=" + std::to_string(s.ema.enabled);
  if (s.method == "lora") {
    id += ";lora_rank=" + std::to_string(s.loraRank) + ";lora_targets=";
    for (const std::string& t : s.loraTargets) id += t + ",";
  }
  return id;
}

std::map<std::string, std::string> items(const std::string& identity) {
  std::map<std::string, std::string> out;
  std::size_t at = 0;
  while (at <= identity.size()) {
    std::size_t end = identity.find(';', at);
    if (end == std::string::npos) end = identity.size();
    const std::string item = identity.substr(at, end - at);
    const std::size_t eq = item.find('=');
    if (!item.empty()) out[item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
    at = end + 1;
  }
  return out;
}

}  // namespace

std::string runIdentity(const TrainSettings& s) {
  return identityWithModel(s, s.fromScratch ? "scratch:" + s.architecture : s.modelPath);
}

std::string portableRunIdentity(const TrainSettings& s, const models::StableDiffusionModel& model) {
  std::string weights = "weights:";
  if (model.unet) weights += "unet " + data::frozenWeightsFingerprint(*model.unet);
  if (model.textEncoder) weights += ",text " + data::frozenWeightsFingerprint(*model.textEncoder);
  if (model.textEncoder2) weights += ",text2 " + data::frozenWeightsFingerprint(*model.textEncoder2);
  if (model.vae) weights += ",vae " + data::frozenWeightsFingerprint(*model.vae);
  return identityWithModel(s, weights) + ";precision=" + s.precision;
}

std::string identityDifference(const std::string& theirs, const std::string& ours) {
  const auto a = items(theirs), b = items(ours);
  std::string out;
  auto add = [&](const std::string& key, const std::string& x, const std::string& y) {
    out += (out.empty() ? "" : "; ") + key + ": theirs " + (x.empty() ? "(none)" : x) + ", ours " + (y.empty() ? "(none)" : y);
  };
  for (const auto& [key, value] : a) {
    const auto it = b.find(key);
    if (it == b.end() || it->second != value) add(key, value, it == b.end() ? "" : it->second);
  }
  for (const auto& [key, value] : b)
    if (!a.count(key)) add(key, "", value);
  return out.empty() ? "none" : out;
}

}  // namespace sds::train
