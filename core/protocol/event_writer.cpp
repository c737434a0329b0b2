#include "protocol/event_writer.h"

#include <chrono>
#include <ostream>

namespace sds::protocol {

double unixTime() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

void EventWriter::write(const Event& event) {
  const std::string line = encode(event, unixTime());
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << line << '\n';
  out_.flush();
}

}  // namespace sds::protocol
