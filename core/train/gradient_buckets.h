#pragma once
// Gradients averaged across ranks while the backward pass still runs, as DDP's reducer does (which
// Debian's LibTorch cannot compile against): the parameters are grouped into buckets of about 25 MB in
// reverse order (the order backward reaches them); a hook after each parameter's gradient
// accumulation counts down its bucket, and full buckets start their all-reduce in bucket order, the
// same on every rank, while the rest of backward goes on. finish() starts what is left and waits.

#include <ATen/core/Tensor.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "runtime/process_group.h"

namespace torch::autograd {
struct Node;
}

namespace sds::train {

class GradientBuckets {
 public:
  // `parameters` must stay alive as long as this object (their gradient accumulators are held here).
  GradientBuckets(runtime::ProcessGroup& group, const std::vector<at::Tensor>& parameters, std::size_t bucketBytes);
  ~GradientBuckets();

  // The next backward pass completes the step's gradients: buckets start as they fill.
  void arm() {
    startedEarly_ = 0;
    armed_ = true;
  }
  bool armed() const { return armed_; }
  // Buckets the last armed pass started before finish(): how much of the averaging overlapped backward.
  std::size_t startedDuringBackward() const { return startedEarly_; }
  // After that backward pass (every parameter's gradient defined): starts the buckets not started yet,
  // in order, and waits for all; the gradients then hold their means.
  void finish();

 private:
  void onAccumulated(std::size_t parameter);
  void startReadyBuckets();
  void startBucket(std::size_t bucket);

  struct Bucket {
    std::vector<std::size_t> members;  // parameter indices
    std::size_t waitingFor = 0;        // members whose gradient is not complete yet this step
    std::unique_ptr<runtime::ProcessGroup::Pending> pending;
  };
  runtime::ProcessGroup& group_;
  std::vector<at::Tensor> parameters_;
  std::vector<std::size_t> bucketOf_;
  std::vector<bool> accumulated_;  // this step, per parameter
  std::vector<Bucket> buckets_;
  std::size_t nextBucket_ = 0;     // buckets start strictly in order, so every rank's collectives match
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators_;
  std::atomic<bool> armed_{false};
  std::size_t startedEarly_ = 0;
};

}  // namespace sds::train
