#include "protocol/command_reader.h"

#include <istream>

#include "util/log.h"

namespace sds::protocol {

CommandReader::CommandReader(std::istream& in, Handler handler) : in_(in), handler_(std::move(handler)) {
  thread_ = std::thread([this] {
    std::string line;
    while (std::getline(in_, line)) handleLine(line, handler_);
    finished_ = true;
  });
}

CommandReader::~CommandReader() { wait(); }

void CommandReader::wait() {
  if (thread_.joinable()) thread_.join();
}

bool CommandReader::handleLine(const std::string& line, const Handler& handler) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return true;
  try {
    const Command command = decodeCommand(line);
    handler(command);
    return true;
  } catch (const ProtocolError& e) {
    log::error(std::string("ignored command line: ") + e.what());
    return false;
  }
}

}  // namespace sds::protocol
