#pragma once
// Writes events to a stream as JSON lines, from any thread, flushing each line so a reading
// process sees it at once.

#include <chrono>
#include <condition_variable>
#include <iosfwd>
#include <mutex>
#include <thread>

#include "protocol/events.h"

namespace sds::protocol {

class EventWriter {
 public:
  explicit EventWriter(std::ostream& out);
  ~EventWriter();  // ends the heartbeat
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  void write(const Event& event);

  // From now on, a thread of its own writes a heartbeat event whenever nothing was written for
  // `quiet`, so a reader can tell a trainer busy with a long step from one that stopped responding.
  void startHeartbeat(std::chrono::milliseconds quiet);

 private:
  void beat(std::chrono::milliseconds quiet);

  std::ostream& out_;
  std::mutex mutex_;  // one line at a time; guards lastWrite_ too
  std::chrono::steady_clock::time_point lastWrite_;
  std::mutex heartbeatMutex_;
  std::condition_variable heartbeatWake_;
  bool stopping_ = false;
  std::thread heartbeat_;
};

// Seconds since the Unix epoch, with sub-second precision, as events carry them.
double unixTime();

}  // namespace sds::protocol
