#pragma once
// The local workers of a data-parallel run, as torchrun starts them: one child process per rank, each
// with torchrun's variables, its stdout read line by line, one rank's stdin fed by the caller. When one
// worker fails the others get `grace` to end on their own (their collectives fail at once when a peer
// is gone) and are then killed, so nothing outlives the run. Torch-free, POSIX.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sds::runtime {

struct WorkerSpec {
  std::vector<std::string> arguments;         // argv, the program first
  std::map<std::string, std::string> environment;  // added to (or replacing in) this process's
};

// How a worker ended.
struct WorkerExit {
  int rank = 0;
  bool signalled = false;
  int code = 0;    // exit status, or the signal's number when signalled
  std::string describe() const;  // "exited with status 1", "was killed by signal 9 (Killed)"
};

struct WorkerGroupCallbacks {
  // A line a worker wrote on stdout (without its newline), on the thread that called run().
  std::function<void(int rank, const std::string& line)> line;
  // A worker ended (in the order they end).
  std::function<void(const WorkerExit& exit)> exited;
  // Whether an exit ends the run for the others (they get the grace period, then are killed).
  // Default: a signal or a status other than 0.
  std::function<bool(const WorkerExit& exit)> isFailure;
};

class WorkerGroup {
 public:
  // Starts every worker; throws std::runtime_error when one cannot be started (the others are ended).
  WorkerGroup(const std::vector<WorkerSpec>& workers, std::chrono::milliseconds grace);
  ~WorkerGroup();  // kills workers still running
  WorkerGroup(const WorkerGroup&) = delete;
  WorkerGroup& operator=(const WorkerGroup&) = delete;

  // Reads the workers' output and waits until all have ended, calling back as things happen. Returns
  // the exits in rank order.
  std::vector<WorkerExit> run(const WorkerGroupCallbacks& callbacks);

  // Thread- and signal-safe: sends `signal` to every worker still running.
  void signalAll(int signal);
  // Thread-safe: writes a line to the stdin of worker 0 (the one that takes commands).
  void sendLine(const std::string& line);

  std::vector<int> pids() const;

 private:
  struct Worker {
    std::atomic<int> pid{-1};  // -1 once reaped, so signals never reach a recycled pid
    int outFd = -1;
    int inFd = -1;
    std::string pending;
  };
  void killAll();

  std::vector<std::unique_ptr<Worker>> workers_;
  std::chrono::milliseconds grace_;
  std::mutex inputMutex_;
};

}  // namespace sds::runtime
