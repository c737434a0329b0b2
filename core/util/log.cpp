#include "util/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

namespace sds::log {
namespace {

struct State {
  std::mutex mutex;
  Listener listener;
  std::atomic<Level> level{Level::Info};
  std::atomic<bool> console{true};
  std::shared_ptr<spdlog::logger> logger;

  State() {
    logger = spdlog::stderr_color_mt("sds");
    logger->set_pattern("%^[%H:%M:%S.%e %l]%$ %v");
    logger->set_level(spdlog::level::trace);  // filtering happens in write()
  }
};

State& state() {
  static State s;
  return s;
}

spdlog::level::level_enum toSpdlog(Level level) {
  switch (level) {
    case Level::Trace: return spdlog::level::trace;
    case Level::Debug: return spdlog::level::debug;
    case Level::Info: return spdlog::level::info;
    case Level::Warn: return spdlog::level::warn;
    case Level::Error: return spdlog::level::err;
    case Level::Off: break;
  }
  return spdlog::level::off;
}

}  // namespace

std::optional<Level> parseLevel(std::string_view name) {
  if (name == "trace") return Level::Trace;
  if (name == "debug") return Level::Debug;
  if (name == "info") return Level::Info;
  if (name == "warn" || name == "warning") return Level::Warn;
  if (name == "error") return Level::Error;
  if (name == "off") return Level::Off;
  return std::nullopt;
}

std::string_view levelName(Level level) {
  switch (level) {
    case Level::Trace: return "trace";
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
    case Level::Off: break;
  }
  return "off";
}

void setLevel(Level level) { state().level = level; }
Level level() { return state().level; }
void setConsoleEnabled(bool enabled) { state().console = enabled; }

void setListener(Listener listener) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.listener = std::move(listener);
}

void write(Level level, std::string_view message) {
  State& s = state();
  if (level == Level::Off || level < s.level.load()) return;
  if (s.console) s.logger->log(toSpdlog(level), "{}", message);
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.listener) s.listener(level, message);
}

}  // namespace sds::log
