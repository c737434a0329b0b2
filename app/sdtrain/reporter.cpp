#include "reporter.h"

#include <iostream>

#include "util/log.h"

namespace sds::cli {
namespace {

// A heartbeat after this long without another event (docs/protocol.md); the studio's watchdog waits
// several of them before it says the trainer stopped responding.
constexpr std::chrono::seconds kHeartbeatQuiet{5};

}  // namespace

Reporter::Reporter(Mode mode) : mode_(mode) {
  if (mode_ == Mode::Jsonl) {
    events_ = std::make_unique<protocol::EventWriter>(std::cout);
    // Log lines become log events; stderr stays free for what a crash might print.
    log::setConsoleEnabled(false);
    log::setListener([this](log::Level level, std::string_view message) {
      events_->write(protocol::LogEvent{std::string(log::levelName(level)), std::string(message)});
    });
    events_->write(protocol::HelloEvent{protocol::kVersion, "sdtrain", SDS_VERSION});
    events_->startHeartbeat(kHeartbeatQuiet);
  }
}

Reporter::~Reporter() {
  if (mode_ == Mode::Jsonl) {
    log::setListener({});
    log::setConsoleEnabled(true);
  }
}

void Reporter::emit(const protocol::Event& event) {
  if (events_) {
    events_->write(event);
    return;
  }
  if (const auto* e = std::get_if<protocol::ErrorEvent>(&event)) {
    std::cerr << "error: " << e->message << "\n";
    if (!e->hint.empty()) std::cerr << "  " << e->hint << "\n";
  } else if (const auto* s = std::get_if<protocol::StateEvent>(&event)) {
    std::cerr << s->state << (s->detail.empty() ? "" : ": " + s->detail) << "\n";
  } else if (const auto* p = std::get_if<protocol::ProgressEvent>(&event)) {
    std::cerr << p->phase << " " << p->current;
    if (p->total > 0) std::cerr << "/" << p->total;
    std::cerr << "\n";
  }
}

void Reporter::say(const std::string& line) {
  if (events_)
    log::info(line);
  else
    std::cout << line << std::endl;
}

void Reporter::fail(const std::string& message, const std::string& hint) {
  protocol::ErrorEvent e;
  e.message = message;
  e.hint = hint;
  emit(e);
}

}  // namespace sds::cli
