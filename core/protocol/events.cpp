#include "protocol/events.h"

#include <nlohmann/json.hpp>

#include <limits>

#include "util/text.h"

namespace sds::protocol {
namespace {

using nlohmann::json;

// Longest list a message may carry (one entry per rank of a run).
constexpr std::size_t kMaxListLength = 65536;

// Reads named fields of one JSON object, with messages that say which field of which message is wrong.
class Fields {
 public:
  Fields(const json& object, std::string what) : object_(object), what_(std::move(what)) {}

  template <typename T>
  T required(const char* name) const {
    const auto it = object_.find(name);
    if (it == object_.end()) throw ProtocolError(what_ + ": missing field \"" + name + "\"");
    return convert<T>(*it, name);
  }

  template <typename T>
  T optional(const char* name, T fallback) const {
    const auto it = object_.find(name);
    // null is a value for numbers (NaN, see convert), elsewhere the same as absent.
    if (it == object_.end() || (it->is_null() && !std::is_floating_point_v<T>)) return fallback;
    return convert<T>(*it, name);
  }

  template <typename T>
  std::optional<T> maybe(const char* name) const {
    const auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    return convert<T>(*it, name);
  }

 private:
  template <typename T>
  T convert(const json& value, const char* name) const {
    if constexpr (std::is_same_v<T, bool>) {
      if (value.is_boolean()) return value.get<bool>();
      throw wrongType(name, "true or false", value);
    } else if constexpr (std::is_integral_v<T>) {
      if (value.is_number_integer()) return value.get<T>();
      throw wrongType(name, "an integer", value);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (value.is_number()) return value.get<T>();
      // JSON has no NaN or infinity, so encode() writes them as null; a diverged loss must still arrive.
      if (value.is_null()) return std::numeric_limits<T>::quiet_NaN();
      throw wrongType(name, "a number", value);
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
      if (!value.is_array() || value.size() > kMaxListLength) throw wrongType(name, "a list of numbers", value);
      T out;
      for (const json& item : value) {
        if (!item.is_number()) throw wrongType(name, "a list of numbers", value);
        out.push_back(item.get<double>());
      }
      return out;
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      if (!value.is_array() || value.size() > kMaxListLength) throw wrongType(name, "a list of strings", value);
      T out;
      for (const json& item : value) {
        if (!item.is_string()) throw wrongType(name, "a list of strings", value);
        out.push_back(item.get<std::string>());
      }
      return out;
    } else if constexpr (std::is_same_v<T, json>) {
      if (value.is_object()) return value;
      throw wrongType(name, "an object", value);
    } else {
      if (value.is_string()) return value.get<std::string>();
      throw wrongType(name, "a string", value);
    }
  }

  ProtocolError wrongType(const char* name, const char* expected, const json& value) const {
    const std::string shown = text::shorten(value.dump(-1, ' ', false, json::error_handler_t::replace), 40);
    return ProtocolError(what_ + ": field \"" + name + "\" is " + shown + ", expected " + expected);
  }

  const json& object_;
  std::string what_;
};

json parseObject(std::string_view line, const char* what) {
  json object = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) {
    const std::string shown = text::shorten(line, 60);
    throw ProtocolError(std::string("not a JSON ") + what + " line: " + shown);
  }
  if (!object.is_object())
    throw ProtocolError(std::string(std::string_view(what) == "event" ? "an " : "a ") + what +
                        " must be a JSON object, got " + object.type_name());
  return object;
}

struct NameOf {
  std::string_view operator()(const HelloEvent&) const { return "hello"; }
  std::string_view operator()(const LogEvent&) const { return "log"; }
  std::string_view operator()(const StateEvent&) const { return "state"; }
  std::string_view operator()(const ProgressEvent&) const { return "progress"; }
  std::string_view operator()(const StepEvent&) const { return "step"; }
  std::string_view operator()(const ValidationEvent&) const { return "validation"; }
  std::string_view operator()(const SampleEvent&) const { return "sample"; }
  std::string_view operator()(const CheckpointEvent&) const { return "checkpoint"; }
  std::string_view operator()(const ErrorEvent&) const { return "error"; }
  std::string_view operator()(const DatasetReportEvent&) const { return "dataset_report"; }
  std::string_view operator()(const SwarmEvent&) const { return "swarm"; }
  std::string_view operator()(const SwarmStatusEvent&) const { return "swarm_status"; }
  std::string_view operator()(const SwarmRoundEvent&) const { return "swarm_round"; }
  std::string_view operator()(const HeartbeatEvent&) const { return "heartbeat"; }
};

void put(json& j, const HelloEvent& e) {
  j["protocol"] = e.protocol;
  j["program"] = e.program;
  j["version"] = e.version;
}
void put(json&, const HeartbeatEvent&) {}
void put(json& j, const LogEvent& e) {
  j["level"] = e.level;
  j["message"] = e.message;
}
void put(json& j, const StateEvent& e) {
  j["state"] = e.state;
  if (!e.detail.empty()) j["detail"] = e.detail;
}
void put(json& j, const ProgressEvent& e) {
  j["phase"] = e.phase;
  j["current"] = e.current;
  j["total"] = e.total;
}
void put(json& j, const StepEvent& e) {
  j["step"] = e.step;
  j["total_steps"] = e.total_steps;
  j["epoch"] = e.epoch;
  j["images_seen"] = e.images_seen;
  j["loss"] = e.loss;
  j["loss_smoothed"] = e.loss_smoothed;
  j["lr"] = e.lr;
  j["grad_norm"] = e.grad_norm;
  j["images_per_s"] = e.images_per_s;
  j["eta_s"] = e.eta_s;
  if (e.memory_gib) j["memory_gib"] = *e.memory_gib;
  if (!e.rank_images_per_s.empty()) j["rank_images_per_s"] = e.rank_images_per_s;
  if (!e.rank_memory_gib.empty()) j["rank_memory_gib"] = e.rank_memory_gib;
}
void put(json& j, const ValidationEvent& e) {
  j["step"] = e.step;
  j["loss"] = e.loss;
}
void put(json& j, const SampleEvent& e) {
  j["step"] = e.step;
  j["path"] = e.path;
  j["prompt"] = e.prompt;
  j["seed"] = e.seed;
}
void put(json& j, const CheckpointEvent& e) {
  j["step"] = e.step;
  j["path"] = e.path;
}
void put(json& j, const ErrorEvent& e) {
  j["message"] = e.message;
  if (!e.hint.empty()) j["hint"] = e.hint;
  j["resumable"] = e.resumable;
  if (!e.checkpoint.empty()) j["checkpoint"] = e.checkpoint;
}

void put(json& j, const DatasetReportEvent& e) {
  json report = json::parse(e.report, nullptr, false);
  if (!report.is_object()) throw ProtocolError("dataset_report event: the report is not a JSON object");
  j["report"] = std::move(report);
}

void put(json& j, const SwarmEvent& e) {
  j["state"] = e.state;
  if (!e.detail.empty()) j["detail"] = e.detail;
  j["peer"] = e.peer;
  j["address"] = e.address;
  j["dht_port"] = e.dht_port;
  j["client_mode"] = e.client_mode;
  if (!e.reachability.empty()) j["reachability"] = e.reachability;
}
void put(json& j, const SwarmStatusEvent& e) {
  j["epoch"] = e.epoch;
  j["local_epoch"] = e.local_epoch;
  j["samples"] = e.samples;
  j["target_batch_size"] = e.target_batch_size;
  j["samples_per_s"] = e.samples_per_s;
  j["local_samples"] = e.local_samples;
  json peers = json::array();
  for (const SwarmPeerInfo& p : e.peers)
    peers.push_back({{"peer", p.peer}, {"address", p.address}, {"epoch", p.epoch}, {"samples_per_s", p.samples_per_s},
                     {"client_mode", p.client_mode}, {"last_seen_s", p.last_seen_s}});
  j["peers"] = std::move(peers);
}
void put(json& j, const SwarmRoundEvent& e) {
  j["epoch"] = e.epoch;
  j["kind"] = e.kind;
  j["group_size"] = e.group_size;
  j["outcome"] = e.outcome;
  j["bytes_sent"] = e.bytes_sent;
  j["bytes_received"] = e.bytes_received;
  j["matchmaking_s"] = e.matchmaking_s;
  j["averaging_s"] = e.averaging_s;
  j["waited_s"] = e.waited_s;
  if (!e.excluded.empty()) j["excluded"] = e.excluded;
  if (!e.digest.empty()) j["digest"] = e.digest;
}

SwarmStatusEvent decodeSwarmStatus(const json& object, const Fields& f) {
  SwarmStatusEvent e;
  e.epoch = f.required<std::int64_t>("epoch");
  e.local_epoch = f.optional<std::int64_t>("local_epoch", e.epoch);
  e.samples = f.required<double>("samples");
  e.target_batch_size = f.required<std::int64_t>("target_batch_size");
  e.samples_per_s = f.optional<double>("samples_per_s", 0);
  e.local_samples = f.optional<std::int64_t>("local_samples", 0);
  const auto peers = object.find("peers");
  if (peers != object.end()) {
    if (!peers->is_array() || peers->size() > kMaxListLength)
      throw ProtocolError("swarm_status event: \"peers\" must be a list of peer objects");
    for (const json& item : *peers) {
      if (!item.is_object()) throw ProtocolError("swarm_status event: each of \"peers\" must be an object");
      const Fields p(item, "swarm_status event's peer");
      e.peers.push_back({p.required<std::string>("peer"), p.optional<std::string>("address", ""),
                         p.optional<std::int64_t>("epoch", 0), p.optional<double>("samples_per_s", 0),
                         p.optional<bool>("client_mode", false), p.optional<double>("last_seen_s", 0)});
    }
  }
  return e;
}

}  // namespace

std::string_view eventName(const Event& event) { return std::visit(NameOf{}, event); }

std::string_view commandName(Command::Kind kind) {
  switch (kind) {
    case Command::Kind::Pause: return "pause";
    case Command::Kind::Resume: return "resume";
    case Command::Kind::Stop: return "stop";
    case Command::Kind::Save: return "save";
    case Command::Kind::Sample: return "sample";
    case Command::Kind::SwarmJoin: return "swarm_join";
    case Command::Kind::SwarmLeave: return "swarm_leave";
  }
  return "";
}

std::string encode(const Event& event, double time) {
  json j;
  j["event"] = std::string(eventName(event));
  j["time"] = time;
  std::visit([&j](const auto& e) { put(j, e); }, event);
  // Invalid UTF-8 in a message (a file name, a caption) must not make the line unencodable.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode(const Command& command) {
  json j;
  j["cmd"] = std::string(commandName(command.kind));
  if (command.kind == Command::Kind::Stop) j["save"] = command.save;
  if (command.kind == Command::Kind::SwarmJoin) {
    j["run_key"] = command.runKey;
    j["peers"] = command.peers;
    if (command.port) j["port"] = *command.port;
    if (command.publicAddress) j["public_address"] = *command.publicAddress;
    if (command.clientMode) j["client_mode"] = *command.clientMode;
    if (command.upnp) j["upnp"] = *command.upnp;
  }
  return j.dump();
}

std::optional<Event> decodeEvent(std::string_view line) {
  const json object = parseObject(line, "event");
  const std::string type = Fields(object, "event").required<std::string>("event");
  const Fields f(object, type + " event");
  if (type == "hello") return HelloEvent{f.required<int>("protocol"), f.required<std::string>("program"),
                                         f.required<std::string>("version")};
  if (type == "heartbeat") return HeartbeatEvent{};
  if (type == "log") return LogEvent{f.required<std::string>("level"), f.required<std::string>("message")};
  if (type == "state") return StateEvent{f.required<std::string>("state"), f.optional<std::string>("detail", "")};
  if (type == "progress")
    return ProgressEvent{f.required<std::string>("phase"), f.required<std::int64_t>("current"),
                         f.optional<std::int64_t>("total", 0)};
  if (type == "step") {
    StepEvent e;
    e.step = f.required<std::int64_t>("step");
    e.total_steps = f.required<std::int64_t>("total_steps");
    e.epoch = f.optional<std::int64_t>("epoch", 0);
    e.images_seen = f.optional<std::int64_t>("images_seen", 0);
    e.loss = f.required<double>("loss");
    e.loss_smoothed = f.optional<double>("loss_smoothed", e.loss);
    e.lr = f.required<double>("lr");
    e.grad_norm = f.optional<double>("grad_norm", 0);
    e.images_per_s = f.optional<double>("images_per_s", 0);
    e.eta_s = f.optional<double>("eta_s", 0);
    e.memory_gib = f.maybe<double>("memory_gib");
    e.rank_images_per_s = f.optional<std::vector<double>>("rank_images_per_s", {});
    e.rank_memory_gib = f.optional<std::vector<double>>("rank_memory_gib", {});
    return e;
  }
  if (type == "validation") return ValidationEvent{f.required<std::int64_t>("step"), f.required<double>("loss")};
  if (type == "sample")
    return SampleEvent{f.required<std::int64_t>("step"), f.required<std::string>("path"),
                       f.optional<std::string>("prompt", ""), f.optional<std::int64_t>("seed", 0)};
  if (type == "checkpoint") return CheckpointEvent{f.required<std::int64_t>("step"), f.required<std::string>("path")};
  if (type == "error")
    return ErrorEvent{f.required<std::string>("message"), f.optional<std::string>("hint", ""),
                      f.optional<bool>("resumable", false), f.optional<std::string>("checkpoint", "")};
  if (type == "dataset_report")
    return DatasetReportEvent{f.required<json>("report").dump(-1, ' ', false, json::error_handler_t::replace)};
  if (type == "swarm")
    return SwarmEvent{f.required<std::string>("state"), f.optional<std::string>("detail", ""),
                      f.optional<std::string>("peer", ""), f.optional<std::string>("address", ""),
                      f.optional<int>("dht_port", 0), f.optional<bool>("client_mode", false),
                      f.optional<std::string>("reachability", "")};
  if (type == "swarm_status") return decodeSwarmStatus(object, f);
  if (type == "swarm_round") {
    SwarmRoundEvent e;
    e.epoch = f.required<std::int64_t>("epoch");
    e.kind = f.optional<std::string>("kind", "gradients");
    e.group_size = f.required<std::int64_t>("group_size");
    e.outcome = f.required<std::string>("outcome");
    e.bytes_sent = f.optional<std::int64_t>("bytes_sent", 0);
    e.bytes_received = f.optional<std::int64_t>("bytes_received", 0);
    e.matchmaking_s = f.optional<double>("matchmaking_s", 0);
    e.averaging_s = f.optional<double>("averaging_s", 0);
    e.waited_s = f.optional<double>("waited_s", 0);
    e.excluded = f.optional<std::vector<std::string>>("excluded", {});
    e.digest = f.optional<std::string>("digest", "");
    return e;
  }
  return std::nullopt;
}

Command decodeCommand(std::string_view line) {
  const json object = parseObject(line, "command");
  const Fields f(object, "command");
  const std::string name = f.required<std::string>("cmd");
  for (Command::Kind kind : {Command::Kind::Pause, Command::Kind::Resume, Command::Kind::Stop, Command::Kind::Save,
                             Command::Kind::Sample, Command::Kind::SwarmJoin, Command::Kind::SwarmLeave}) {
    if (commandName(kind) == name) {
      Command command;
      command.kind = kind;
      if (kind == Command::Kind::Stop) command.save = f.optional<bool>("save", true);
      if (kind == Command::Kind::SwarmJoin) {
        command.runKey = f.required<std::string>("run_key");
        if (command.runKey.empty()) throw ProtocolError("swarm_join command: \"run_key\" is empty");
        command.peers = f.optional<std::vector<std::string>>("peers", {});
        command.port = f.maybe<int>("port");
        if (command.port && (*command.port < 0 || *command.port > 65535))
          throw ProtocolError("swarm_join command: field \"port\" is " + std::to_string(*command.port) +
                              ", expected 0 to 65535");
        command.publicAddress = f.maybe<std::string>("public_address");
        command.clientMode = f.maybe<bool>("client_mode");
        command.upnp = f.maybe<bool>("upnp");
      }
      return command;
    }
  }
  throw ProtocolError("unknown command \"" + name +
                      "\"; expected pause, resume, stop, save, sample, swarm_join or swarm_leave");
}

}  // namespace sds::protocol
