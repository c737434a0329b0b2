#include "protocol/event_writer.h"

#include <ostream>

namespace sds::protocol {

double unixTime() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

EventWriter::EventWriter(std::ostream& out) : out_(out), lastWrite_(std::chrono::steady_clock::now()) {}

EventWriter::~EventWriter() {
  {
    std::lock_guard<std::mutex> lock(heartbeatMutex_);
    stopping_ = true;
  }
  heartbeatWake_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

void EventWriter::write(const Event& event) {
  const std::string line = encode(event, unixTime());
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << line << '\n';
  out_.flush();
  lastWrite_ = std::chrono::steady_clock::now();
}

void EventWriter::startHeartbeat(std::chrono::milliseconds quiet) {
  if (heartbeat_.joinable() || quiet.count() <= 0) return;
  heartbeat_ = std::thread([this, quiet] { beat(quiet); });
}

void EventWriter::beat(std::chrono::milliseconds quiet) {
  using Clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> wait(heartbeatMutex_);
  Clock::time_point due = Clock::now() + quiet;
  while (!heartbeatWake_.wait_until(wait, due, [this] { return stopping_; })) {
    wait.unlock();  // the destructor may set stopping_ while a heartbeat is written
    Clock::time_point last;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last = lastWrite_;
    }
    if (Clock::now() - last >= quiet) {
      write(HeartbeatEvent{});
      last = Clock::now();
    }
    due = last + quiet;
    wait.lock();
  }
}

}  // namespace sds::protocol
