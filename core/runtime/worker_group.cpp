#include "runtime/worker_group.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace sds::runtime {

std::string WorkerExit::describe() const {
  if (!signalled) return "exited with status " + std::to_string(code);
  const char* name = ::strsignal(code);
  return "was killed by signal " + std::to_string(code) + (name ? std::string(" (") + name + ")" : std::string());
}

namespace {

std::vector<std::string> mergedEnvironment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> merged;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (!overrides.count(name)) merged.push_back(entry);
  }
  for (const auto& [name, value] : overrides) merged.push_back(name + "=" + value);
  return merged;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

WorkerGroup::WorkerGroup(const std::vector<WorkerSpec>& specs, std::chrono::milliseconds grace) : grace_(grace) {
  for (std::size_t rank = 0; rank < specs.size(); ++rank) {
    // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
    std::vector<std::string> arguments = specs[rank].arguments;
    std::vector<std::string> environment = mergedEnvironment(specs[rank].environment);
    std::vector<char*> argv = pointers(arguments), envp = pointers(environment);
    int out[2], in[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) != 0 || (rank == 0 && ::pipe2(in, O_CLOEXEC) != 0)) {
      killAll();
      throw std::runtime_error(std::string("cannot start worker ") + std::to_string(rank) + ": " + std::strerror(errno));
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
      killAll();
      throw std::runtime_error(std::string("cannot start worker ") + std::to_string(rank) + ": " + std::strerror(errno));
    }
    if (pid == 0) {
      // A launcher killed outright (SIGKILL) takes its workers with it.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      ::dup2(out[1], STDOUT_FILENO);
      if (rank == 0) {
        ::dup2(in[0], STDIN_FILENO);
      } else {
        const int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0) ::dup2(null, STDIN_FILENO);
      }
      ::execve(argv[0], argv.data(), envp.data());
      const char message[] = "cannot run the worker program\n";
      (void)!::write(STDERR_FILENO, message, sizeof message - 1);
      ::_exit(127);
    }
    ::close(out[1]);
    if (rank == 0) ::close(in[0]);
    auto worker = std::make_unique<Worker>();
    worker->pid = pid;
    worker->outFd = out[0];
    worker->inFd = in[1];
    workers_.push_back(std::move(worker));
  }
}

WorkerGroup::~WorkerGroup() {
  killAll();
  for (auto& w : workers_) {
    const int pid = w->pid.exchange(-1);
    if (pid > 0) ::waitpid(pid, nullptr, 0);
    if (w->outFd >= 0) ::close(w->outFd);
    if (w->inFd >= 0) ::close(w->inFd);
  }
}

void WorkerGroup::killAll() { signalAll(SIGKILL); }

void WorkerGroup::signalAll(int signal) {
  for (auto& w : workers_) {
    const int pid = w->pid.load();
    if (pid > 0) ::kill(pid, signal);
  }
}

void WorkerGroup::sendLine(const std::string& line) {
  std::lock_guard<std::mutex> lock(inputMutex_);
  if (workers_.empty() || workers_[0]->inFd < 0) return;
  const std::string data = line + "\n";
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(workers_[0]->inFd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the worker has ended: nobody to tell
    written += static_cast<std::size_t>(n);
  }
}

std::vector<int> WorkerGroup::pids() const {
  std::vector<int> out;
  for (const auto& w : workers_) out.push_back(w->pid.load());
  return out;
}

std::vector<WorkerExit> WorkerGroup::run(const WorkerGroupCallbacks& callbacks) {
  using Clock = std::chrono::steady_clock;
  std::vector<WorkerExit> exits(workers_.size());
  std::vector<bool> ended(workers_.size(), false);
  std::optional<Clock::time_point> killAt;
  auto isFailure = callbacks.isFailure ? callbacks.isFailure
                                       : [](const WorkerExit& e) { return e.signalled || e.code != 0; };
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<std::size_t> owners;
    for (std::size_t r = 0; r < workers_.size(); ++r)
      if (workers_[r]->outFd >= 0) {
        fds.push_back({workers_[r]->outFd, POLLIN, 0});
        owners.push_back(r);
      }
    bool allEnded = true;
    for (bool e : ended) allEnded = allEnded && e;
    if (allEnded && fds.empty()) break;

    if (!fds.empty()) {
      const int ready = ::poll(fds.data(), fds.size(), 100);
      if (ready < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    } else {
      ::usleep(50 * 1000);
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Worker& w = *workers_[owners[i]];
      char buffer[65536];
      const ssize_t n = ::read(w.outFd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // end of output: the worker (and any child of it holding the pipe) is gone
        if (!w.pending.empty() && callbacks.line) callbacks.line(static_cast<int>(owners[i]), w.pending);
        w.pending.clear();
        ::close(w.outFd);
        w.outFd = -1;
        continue;
      }
      w.pending.append(buffer, static_cast<std::size_t>(n));
      std::size_t newline;
      while ((newline = w.pending.find('\n')) != std::string::npos) {
        const std::string line = w.pending.substr(0, newline);
        w.pending.erase(0, newline + 1);
        if (callbacks.line) callbacks.line(static_cast<int>(owners[i]), line);
      }
    }
    for (std::size_t r = 0; r < workers_.size(); ++r) {
      if (ended[r]) continue;
      int status = 0;
      const int pid = workers_[r]->pid.load();
      if (::waitpid(pid, &status, WNOHANG) != pid) continue;
      workers_[r]->pid = -1;
      ended[r] = true;
      WorkerExit& e = exits[r];
      e.rank = static_cast<int>(r);
      e.signalled = WIFSIGNALED(status);
      e.code = e.signalled ? WTERMSIG(status) : WEXITSTATUS(status);
      if (callbacks.exited) callbacks.exited(e);
      if (isFailure(e) && !killAt) killAt = Clock::now() + grace_;
    }
    if (killAt && Clock::now() >= *killAt) killAll();
  }
  return exits;
}

}  // namespace sds::runtime
