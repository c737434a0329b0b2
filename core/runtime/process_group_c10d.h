#pragma once
// Inside the process-group layer only: what the Gloo and NCCL groups share (c10d's TCPStore, rank and
// size, waits through the store, errors that name the rank). Includes c10d's headers.

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <string>
#include <vector>

#include "runtime/process_group.h"

namespace sds::runtime::detail {

// An exception's message without the C++ backtrace c10 appends to its own.
inline std::string reason(const std::exception& e) {
  if (const auto* c10Error = dynamic_cast<const c10::Error*>(&e)) return c10Error->what_without_backtrace();
  return e.what();
}

class StoreBackedGroup : public ProcessGroup {
 public:
  StoreBackedGroup(c10::intrusive_ptr<c10d::TCPStore> store, int rank, int worldSize)
      : store_(std::move(store)), rank_(rank), worldSize_(worldSize) {}

  int rank() const override { return rank_; }
  int worldSize() const override { return worldSize_; }

  // Through the store rather than the backend: Gloo 1.13's barrier ignores a timeout of its own, and
  // NCCL's would hold a GPU stream. The last rank to arrive marks the barrier done; every rank waits
  // for that mark.
  void barrier(std::chrono::milliseconds timeout) override {
    const std::string key = "sds/barrier/" + std::to_string(barriers_++);
    run("barrier", [&] {
      if (store_->add(key, 1) == worldSize_) store_->set(key + "/done", std::vector<std::uint8_t>{1});
      store_->wait({key + "/done"}, timeout);
    });
  }

 protected:
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
  int rank_, worldSize_;
  std::int64_t barriers_ = 0;
};

// The backends, each in its own file (built where its headers are).
std::unique_ptr<ProcessGroup> joinGloo(const GroupOptions& options, c10::intrusive_ptr<c10d::TCPStore> store);
std::unique_ptr<ProcessGroup> joinNccl(const GroupOptions& options, c10::intrusive_ptr<c10d::TCPStore> store);

}  // namespace sds::runtime::detail
