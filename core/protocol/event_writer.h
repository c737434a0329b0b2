#pragma once
// Writes events to a stream as JSON lines, from any thread, flushing each line so a reading
// process sees it at once.

#include <iosfwd>
#include <mutex>

#include "protocol/events.h"

namespace sds::protocol {

class EventWriter {
 public:
  explicit EventWriter(std::ostream& out) : out_(out) {}
  void write(const Event& event);

 private:
  std::ostream& out_;
  std::mutex mutex_;
};

// Seconds since the Unix epoch, with sub-second precision, as events carry them.
double unixTime();

}  // namespace sds::protocol
