#pragma once
// Logging facade for all of SD Studio's code.
//
// It deliberately exposes no spdlog or fmt types: the GPU machine's torch headers carry their own fmt,
// which must never meet spdlog's, so only log.cpp (in the torch-free target sds_log) sees spdlog.
// Torch code formats its message first (streams or c10::str) and passes a finished string.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sds::log {

enum class Level { Trace, Debug, Info, Warn, Error, Off };

// "trace", "debug", "info", "warn"/"warning", "error", "off"; nullopt for anything else.
std::optional<Level> parseLevel(std::string_view name);
std::string_view levelName(Level level);

// Messages below this level are dropped everywhere (default: Info).
void setLevel(Level level);
Level level();

// Human-readable lines on stderr (on by default). Turned off when events carry the log instead.
void setConsoleEnabled(bool enabled);

// Receives every message at or above the level, from any thread; used to forward log lines as events.
// Pass an empty function to remove it.
using Listener = std::function<void(Level, std::string_view message)>;
void setListener(Listener listener);

void write(Level level, std::string_view message);

inline void trace(std::string_view m) { write(Level::Trace, m); }
inline void debug(std::string_view m) { write(Level::Debug, m); }
inline void info(std::string_view m) { write(Level::Info, m); }
inline void warn(std::string_view m) { write(Level::Warn, m); }
inline void error(std::string_view m) { write(Level::Error, m); }

}  // namespace sds::log
