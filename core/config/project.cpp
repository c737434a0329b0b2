#include "config/project.h"

#include "util/i18n.h"

#include <algorithm>
#include <stdexcept>

namespace sds::config {

std::string Diagnostic::format() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
  } else if (line > 0) {
    out += "line " + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }
  out += isError() ? SDS_TR("Diagnostics", "error: ") : SDS_TR("Diagnostics", "warning: ");
  if (!key.empty()) out += key + ": ";
  return out + message;
}

void sortByPosition(std::vector<Diagnostic>& diagnostics) {
  // Diagnostics with a position come in file order; those without keep their order after them.
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const int la = a.line > 0 ? a.line : 1 << 30, lb = b.line > 0 ? b.line : 1 << 30;
    return la != lb ? la < lb : a.column < b.column;
  });
}

bool hasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return d.isError(); });
}

Project::Project() {
  for (const Setting* setting : Schema::project().settings()) values_[setting->key()] = setting->defaultValue;
}

const Value& Project::get(std::string_view key) const {
  const auto it = values_.find(std::string(key));
  if (it == values_.end()) throw std::out_of_range("unknown project setting '" + std::string(key) + "'");
  return it->second;
}

bool Project::getBool(std::string_view key) const { return std::get<bool>(get(key)); }
std::int64_t Project::getInt(std::string_view key) const { return std::get<std::int64_t>(get(key)); }
double Project::getFloat(std::string_view key) const { return std::get<double>(get(key)); }
const std::string& Project::getString(std::string_view key) const { return std::get<std::string>(get(key)); }
const StringList& Project::getList(std::string_view key) const { return std::get<StringList>(get(key)); }

void Project::set(std::string_view key, Value value) {
  const Setting* setting = Schema::project().find(key);
  if (!setting) throw std::invalid_argument("unknown project setting '" + std::string(key) + "'");
  if (value.index() != setting->defaultValue.index())
    throw std::invalid_argument("project setting '" + std::string(key) + "' takes " +
                                std::string(typeName(setting->type)) + " values");
  values_[setting->key()] = std::move(value);
}

std::vector<Diagnostic> checkProject(const Project& project, const std::string& fileName,
                                     const std::map<std::string, Position>& positions) {
  std::vector<Diagnostic> out;
  auto report = [&](Diagnostic::Severity severity, const std::string& key, const std::string& message) {
    Diagnostic d;
    d.severity = severity;
    d.file = fileName;
    d.key = key;
    d.message = message;
    if (const auto it = positions.find(key); it != positions.end()) {
      d.line = it->second.line;
      d.column = it->second.column;
    }
    out.push_back(std::move(d));
  };
  const auto error = Diagnostic::Severity::Error;
  const auto warning = Diagnostic::Severity::Warning;

  // Each value against its own setting.
  for (const Setting* setting : Schema::project().settings()) {
    const Value& value = project.get(setting->key());
    const std::string problem = checkValue(*setting, value);
    if (!problem.empty()) report(error, setting->key(), i18n::format(SDS_TR("Diagnostics", "%1 is not allowed; %2"), {toTomlLiteral(value), problem}));
  }

  const bool fromScratch = project.getString("model.init") == "scratch";
  if (!fromScratch && project.getString("model.path").empty())
    report(error, "model.path",
           SDS_TR("Diagnostics",
                  "a base model is needed: a diffusers folder or a .safetensors checkpoint (or set model.init = "
                  "\"scratch\")"));
  if (fromScratch && project.getString("model.architecture") == "auto")
    report(error, "model.architecture",
           SDS_TR("Diagnostics",
                  "a model made from scratch needs a named architecture: \"sd1\", \"sd2\", \"sd2-v\", \"sdxl\" or "
                  "\"tiny\""));

  if (project.getString("dataset.path").empty())
    report(error, "dataset.path",
           project.getString("dataset.kind") == "shapes"
               ? SDS_TR("Diagnostics", "the folder the generated images are written to is needed")
               : SDS_TR("Diagnostics", "the training images are needed: a folder of images with captions, or .tar shards"));

  if (project.getInt("training.timestep_min") > project.getInt("training.timestep_max"))
    report(error, "training.timestep_min",
           i18n::format(SDS_TR("Diagnostics", "the lowest timestep (%1) is above the highest (%2)"),
                        {std::to_string(project.getInt("training.timestep_min")),
                         std::to_string(project.getInt("training.timestep_max"))}));

  const std::int64_t minSide = project.getInt("resolution.min_bucket_side");
  const std::int64_t maxSide = project.getInt("resolution.max_bucket_side");
  const std::int64_t size = project.getInt("resolution.size");
  if (minSide > maxSide)
    report(error, "resolution.min_bucket_side",
           i18n::format(SDS_TR("Diagnostics", "the shortest bucket side (%1) is longer than the longest (%2)"),
                        {std::to_string(minSide), std::to_string(maxSide)}));
  else if (project.getBool("resolution.buckets") && (size < minSide || size > maxSide))
    report(error, "resolution.size",
           i18n::format(SDS_TR("Diagnostics", "the resolution %1 must lie between the bucket sides %2 and %3"),
                        {std::to_string(size), std::to_string(minSide), std::to_string(maxSide)}));

  const std::string schedule = project.getString("lr_schedule.type");
  if (schedule != "constant" && project.getInt("lr_schedule.warmup_steps") >= project.getInt("training.max_steps"))
    report(warning, "lr_schedule.warmup_steps",
           SDS_TR("Diagnostics", "warmup lasts the whole run, so the learning rate never reaches its peak"));

  if (project.getString("training.method") == "lora" && project.getList("lora.target_modules").empty())
    report(error, "lora.target_modules",
           SDS_TR("Diagnostics", "LoRA needs at least one target module (for example \"to_q\")"));

  if (project.getInt("sampling.every_n_steps") > 0 && project.getList("sampling.prompts").empty())
    report(warning, "sampling.prompts",
           SDS_TR("Diagnostics", "samples are requested but there are no prompts, so none will be made"));

  if (project.getInt("dataset.keep_tags") > 0 && !project.getBool("dataset.shuffle_tags"))
    report(warning, "dataset.keep_tags", SDS_TR("Diagnostics", "has no effect while dataset.shuffle_tags is off"));

  if (project.getInt("swarm.max_connections") < project.getInt("swarm.max_group_size"))
    report(error, "swarm.max_connections",
           i18n::format(SDS_TR("Diagnostics",
                               "%1 connections are fewer than the largest group (%2): every member of a group "
                               "connects to this peer"),
                        {std::to_string(project.getInt("swarm.max_connections")),
                         std::to_string(project.getInt("swarm.max_group_size"))}));

  if (project.getBool("swarm.enabled") && project.getString("swarm.run_key").empty())
    report(error, "swarm.run_key",
           SDS_TR("Diagnostics", "a swarm needs the run's key (sdtrain swarm new-key makes one for a new run)"));
  else if (project.getString("dataset.path").rfind("http://", 0) == 0 && project.getString("swarm.run_key").empty())
    report(error, "swarm.run_key",
           SDS_TR("Diagnostics", "a served dataset (dataset.path http://…) needs the run key its server was started with"));

  sortByPosition(out);
  return out;
}

}  // namespace sds::config
