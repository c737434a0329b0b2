#pragma once
// A group of training processes on PyTorch's distributed runtime (c10d): a TCPStore for the
// rendezvous, hosted by rank 0, and Gloo's collectives over TCP (the CPU backend) or NCCL's between
// GPUs. This is the layer data-parallel training and the launcher build
// on; it hides c10d's types from everything above it.

#include <ATen/core/Tensor.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sds::runtime {

// The group could not be formed or a collective failed (a rank gone, a timeout): the message says which.
class ProcessGroupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Gloo: TCP between hosts' memory (CPU ranks; every build). NCCL: GPU to GPU (CUDA builds).
enum class Backend { Gloo, Nccl };

struct GroupOptions {
  Backend backend = Backend::Gloo;
  std::string masterAddress = "127.0.0.1";  // where rank 0 hosts the store
  int masterPort = 0;  // every rank the same; see pickFreePort
  int rank = 0;
  int worldSize = 1;
  bool storeHostedElsewhere = false;  // a launcher hosts the store: rank 0 connects like the others
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // joining, and each collective
};

// A TCP port on 127.0.0.1 that is free now (the system's pick), for a launcher to give all its ranks,
// as torchrun does. Throws ProcessGroupError when no socket can be opened.
int pickFreePort();

class ProcessGroup {
 public:
  // Joins the group: rank 0 opens the store, every rank connects and the Gloo group forms. Throws
  // ProcessGroupError naming the address, the port and the reason (port in use, master unreachable,
  // timeout).
  static std::unique_ptr<ProcessGroup> join(const GroupOptions& options);
  virtual ~ProcessGroup() = default;

  virtual int rank() const = 0;
  virtual int worldSize() const = 0;

  // An all-reduce on its way: wait() returns once the tensors hold the mean (rethrowing a failure as
  // ProcessGroupError).
  class Pending {
   public:
    virtual ~Pending() = default;
    virtual void wait() = 0;
  };

  // Starts averaging the tensors over the ranks, in place; every rank starts its all-reduces in the
  // same order. Tensors on a GPU travel through host memory with Gloo.
  virtual std::unique_ptr<Pending> startAllReduceMean(std::vector<at::Tensor> tensors) = 0;
  void allReduceMean(std::vector<at::Tensor>& tensors) { startAllReduceMean(tensors)->wait(); }
  // In place: each tensor becomes rank `root`'s.
  virtual void broadcast(std::vector<at::Tensor>& tensors, int root) = 0;
  // Returns when every rank has arrived; the group's timeout, or `timeout`.
  virtual void barrier() = 0;
  virtual void barrier(std::chrono::milliseconds timeout) = 0;
};

}  // namespace sds::runtime
