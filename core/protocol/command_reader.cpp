#include "protocol/command_reader.h"

#include <istream>

#include "util/log.h"

namespace sds::protocol {

CommandReader::CommandReader(std::istream& in, Handler handler) {
  // The thread owns copies of what it uses, so that it can run on after detach().
  thread_ = std::thread([&in, handler = std::move(handler), finished = finished_] {
    std::string line;
    while (std::getline(in, line)) handleLine(line, handler);
    *finished = true;
  });
}

CommandReader::~CommandReader() { wait(); }

void CommandReader::detach() {
  if (thread_.joinable()) thread_.detach();
}

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
