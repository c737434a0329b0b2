#pragma once
// How sdtrain tells the user what happens: human-readable lines, or protocol events as JSON lines on
// stdout (`--events jsonl`) for the GUI and scripts. Log messages of the engine are routed here too.

#include <memory>
#include <string>

#include "protocol/event_writer.h"

namespace sds::cli {

class Reporter {
 public:
  enum class Mode { Text, Jsonl };

  explicit Reporter(Mode mode);
  ~Reporter();
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  Mode mode() const { return mode_; }

  // Writes the event in jsonl mode; in text mode, writes a human form of the events a person needs
  // (errors, states, progress) to stderr. Log events never come through here: use sds::log.
  void emit(const protocol::Event& event);

  // A result line for the user: stdout in text mode, an info log event in jsonl mode.
  void say(const std::string& line);

  // Convenience for the final error of a command: an error event, or "error: …" on stderr.
  void fail(const std::string& message, const std::string& hint = {});

 private:
  Mode mode_;
  std::unique_ptr<protocol::EventWriter> events_;
};

}  // namespace sds::cli
