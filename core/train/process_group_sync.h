#pragma once
// Data-parallel exchange over a c10d process group: gradients averaged in buckets of about 25 MB (one
// collective per bucket instead of one per tensor or one buffer the size of the model), started while
// backward still runs once the trainer has named its parameters (watch); values and requests in one
// small collective.

#include <chrono>
#include <cstddef>
#include <memory>

#include "runtime/process_group.h"
#include "train/gradient_buckets.h"
#include "train/gradient_sync.h"

namespace sds::train {

class ProcessGroupGradientSync final : public GradientSync {
 public:
  // `mainWorkTimeout` bounds waitForAll: how long the other ranks wait while the main rank samples or
  // writes a checkpoint.
  explicit ProcessGroupGradientSync(std::unique_ptr<runtime::ProcessGroup> group,
                                    std::chrono::milliseconds mainWorkTimeout = std::chrono::hours(2),
                                    std::size_t bucketBytes = 25u << 20);

  int worldSize() const override { return group_->worldSize(); }
  int rank() const override { return group_->rank(); }
  bool isGroup() const override { return true; }
  bool average(std::vector<at::Tensor>& gradients) override;
  void watch(const std::vector<at::Tensor>& parameters) override;
  void beforeLastBackward() override;
  void averageValues(std::vector<double>& values) override;
  void broadcastFromMain(std::vector<at::Tensor>& tensors) override;
  void broadcastFrom(std::vector<at::Tensor>& tensors, int root) override;
  void waitForAll() override;

 private:
  std::unique_ptr<runtime::ProcessGroup> group_;
  std::unique_ptr<GradientBuckets> buckets_;  // after watch(): averaging overlapped with backward
  std::chrono::milliseconds mainWorkTimeout_;
  std::size_t bucketBytes_;
};

}  // namespace sds::train
