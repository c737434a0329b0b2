#include "runtime/process_group.h"

#if SDS_HAVE_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace sds::runtime {
#if SDS_HAVE_GLOO
namespace {

// An exception's message without the C++ backtrace c10 appends to its own.
std::string reason(const std::exception& e) {
  if (const auto* c10Error = dynamic_cast<const c10::Error*>(&e)) return c10Error->what_without_backtrace();
  return e.what();
}

class GlooGroup : public ProcessGroup {
 public:
  GlooGroup(c10::intrusive_ptr<c10d::TCPStore> store, c10::intrusive_ptr<c10d::ProcessGroupGloo> group, int rank,
            int worldSize)
      : store_(std::move(store)), group_(std::move(group)), rank_(rank), worldSize_(worldSize) {}

  int rank() const override { return rank_; }
  int worldSize() const override { return worldSize_; }

  // One collective per dtype: the tensors are packed into one flat buffer (Gloo reduces a list of
  // tensors only when they share dtype and shape) and unpacked after.
  void allReduceMean(std::vector<at::Tensor>& tensors) override {
    std::map<c10::ScalarType, std::vector<at::Tensor*>> byType;
    for (at::Tensor& t : tensors) byType[t.scalar_type()].push_back(&t);
    for (auto& [type, group] : byType) {
      std::vector<at::Tensor> flat;
      for (const at::Tensor* t : group) flat.push_back(t->reshape({-1}));
      std::vector<at::Tensor> buffer{at::cat(flat)};
      if (!buffer[0].is_cpu()) buffer[0] = buffer[0].cpu();
      run("all-reduce", [&] { group_->allreduce(buffer)->wait(); });
      buffer[0].div_(worldSize_);
      std::int64_t offset = 0;
      for (at::Tensor* t : group) {
        t->copy_(buffer[0].narrow(0, offset, t->numel()).view(t->sizes()));
        offset += t->numel();
      }
    }
  }

  void broadcast(std::vector<at::Tensor>& tensors, int root) override {
    if (tensors.empty()) return;
    c10d::BroadcastOptions options;
    options.rootRank = root;
    // Gloo broadcasts one tensor per call.
    for (at::Tensor& t : tensors) {
      std::vector<at::Tensor> one{t.is_cpu() && t.is_contiguous() ? t : t.cpu().contiguous()};
      run("broadcast", [&] { group_->broadcast(one, options)->wait(); });
      if (!one[0].is_same(t)) t.copy_(one[0]);
    }
  }

  void barrier() override {
    run("barrier", [&] { group_->barrier()->wait(); });
  }

  // Through the store rather than Gloo: Gloo 1.13's barrier ignores a timeout of its own. The last
  // rank to arrive marks the barrier done; every rank waits for that mark.
  void barrier(std::chrono::milliseconds timeout) override {
    const std::string key = "sds/barrier/" + std::to_string(barriers_++);
    run("barrier", [&] {
      if (store_->add(key, 1) == worldSize_) store_->set(key + "/done", std::vector<std::uint8_t>{1});
      store_->wait({key + "/done"}, timeout);
    });
  }

 private:
  template <class F>
  void run(const char* what, F&& collective) {
    try {
      collective();
    } catch (const std::exception& e) {
      throw ProcessGroupError(std::string(what) + " on rank " + std::to_string(rank_) + " of " +
                              std::to_string(worldSize_) + " failed: " + reason(e));
    }
  }

  c10::intrusive_ptr<c10d::TCPStore> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
  int rank_, worldSize_;
  std::int64_t barriers_ = 0;
};

}  // namespace
#endif

int pickFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw ProcessGroupError(std::string("cannot open a socket to find a free port: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  const int error = errno;
  ::close(fd);
  if (!ok) throw ProcessGroupError(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(error));
  return ntohs(address.sin_port);
}

std::unique_ptr<ProcessGroup> ProcessGroup::join(const GroupOptions& o) {
#if !SDS_HAVE_GLOO
  (void)o;
  throw ProcessGroupError("this build of SD Studio has no CPU process groups (it was built without Gloo's headers)");
#else
  if (o.worldSize < 1 || o.rank < 0 || o.rank >= o.worldSize)
    throw ProcessGroupError("rank " + std::to_string(o.rank) + " is not in a group of " + std::to_string(o.worldSize));
  if (o.masterPort <= 0 || o.masterPort > 65535)
    throw ProcessGroupError("the master's port must be 1–65535, not " + std::to_string(o.masterPort));
  const std::string where = o.masterAddress + ":" + std::to_string(o.masterPort);
  c10::intrusive_ptr<c10d::TCPStore> store;
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(o.masterPort);
    so.isServer = o.rank == 0;
    so.numWorkers = static_cast<std::size_t>(o.worldSize);
    so.waitWorkers = false;
    so.timeout = o.timeout;
    store = c10::make_intrusive<c10d::TCPStore>(o.masterAddress, so);
  } catch (const std::exception& e) {
    throw ProcessGroupError(o.rank == 0 ? "cannot host the group's store at " + where + " (is the port in use?): " + reason(e)
                                        : "cannot reach the group's master at " + where + ": " + reason(e));
  }
  try {
    auto options = c10d::ProcessGroupGloo::Options::create();
    options->timeout = o.timeout;
    // Loopback for a machine's own ranks; across machines the interface this host's name resolves to.
    const bool local = o.masterAddress == "127.0.0.1" || o.masterAddress == "localhost";
    options->devices.push_back(local ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                     : c10d::ProcessGroupGloo::createDefaultDevice());
    auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, o.rank, o.worldSize, options);
    return std::make_unique<GlooGroup>(store, group, o.rank, o.worldSize);
  } catch (const std::exception& e) {
    throw ProcessGroupError("rank " + std::to_string(o.rank) + " could not join the group of " +
                            std::to_string(o.worldSize) + " at " + where + ": " + reason(e));
  }
#endif
}

}  // namespace sds::runtime
