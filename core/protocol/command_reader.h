#pragma once
// Reads commands from a stream (the trainer's stdin) on a background thread. Valid commands go to
// the handler; a malformed line is reported as an error log line quoting the problem, and reading
// goes on, so a client's mistake never stops a run.

#include <atomic>
#include <functional>
#include <iosfwd>
#include <memory>
#include <thread>

#include "protocol/events.h"

namespace sds::protocol {

class CommandReader {
 public:
  using Handler = std::function<void(const Command&)>;

  // Starts reading `in` until end of file. The handler runs on the reader's thread.
  CommandReader(std::istream& in, Handler handler);
  // Waits for end of input unless detached; the owner closes the stream (or the process exits) to end it.
  ~CommandReader();

  CommandReader(const CommandReader&) = delete;
  CommandReader& operator=(const CommandReader&) = delete;

  bool finished() const { return *finished_; }
  void wait();  // until end of input
  // Lets the reader run on by itself (its stream may stay open after the work is done); the handler,
  // which it keeps a copy of, may still be called until the process ends.
  void detach();

  // Decodes one line and passes the command to `handler`; returns false (after logging why) when
  // the line is not a valid command. Blank lines are ignored.
  static bool handleLine(const std::string& line, const Handler& handler);

 private:
  std::shared_ptr<std::atomic<bool>> finished_ = std::make_shared<std::atomic<bool>>(false);
  std::thread thread_;
};

}  // namespace sds::protocol
