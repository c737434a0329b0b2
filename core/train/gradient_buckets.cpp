#include "train/gradient_buckets.h"

#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/torch.h>

namespace sds::train {

GradientBuckets::GradientBuckets(runtime::ProcessGroup& group, const std::vector<at::Tensor>& parameters,
                                 std::size_t bucketBytes)
    : group_(group), parameters_(parameters), bucketOf_(parameters.size()), accumulated_(parameters.size(), false) {
  std::size_t bytes = bucketBytes;  // full: the first parameter opens a bucket
  for (std::size_t k = parameters_.size(); k-- > 0;) {
    if (bytes >= bucketBytes) {
      buckets_.emplace_back();
      bytes = 0;
    }
    buckets_.back().members.push_back(k);
    bucketOf_[k] = buckets_.size() - 1;
    bytes += parameters_[k].numel() * parameters_[k].element_size();
  }
  for (Bucket& b : buckets_) b.waitingFor = b.members.size();
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    // The accumulator node outlives a graph only while someone holds it: the hook lives on it.
    std::shared_ptr<torch::autograd::Node> accumulator = torch::autograd::impl::grad_accumulator(parameters_[k]);
    accumulator->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
        [this, k](const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) {
          onAccumulated(k);
          return outputs;
        }));
    accumulators_.push_back(std::move(accumulator));
  }
}

GradientBuckets::~GradientBuckets() = default;

void GradientBuckets::onAccumulated(std::size_t k) {
  // A parameter's gradient is complete when its accumulator has run in the step's last backward pass
  // (once; a recomputing checkpoint runs it inside that pass too).
  if (!armed_ || accumulated_[k]) return;
  accumulated_[k] = true;
  --buckets_[bucketOf_[k]].waitingFor;
  startReadyBuckets();
}

void GradientBuckets::startReadyBuckets() {
  while (nextBucket_ < buckets_.size() && buckets_[nextBucket_].waitingFor == 0) {
    startBucket(nextBucket_++);
    ++startedEarly_;
  }
}

void GradientBuckets::startBucket(std::size_t b) {
  std::vector<at::Tensor> gradients;
  for (const std::size_t k : buckets_[b].members) gradients.push_back(parameters_[k].grad());
  buckets_[b].pending = group_.startAllReduceMean(std::move(gradients));
}

void GradientBuckets::finish() {
  for (at::Tensor& p : parameters_)  // not reached by this backward pass: takes part with zeros
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
  while (nextBucket_ < buckets_.size()) startBucket(nextBucket_++);
  for (Bucket& b : buckets_) {
    if (b.pending) b.pending->wait();
    b.pending.reset();
    b.waitingFor = b.members.size();
  }
  std::fill(accumulated_.begin(), accumulated_.end(), false);
  nextBucket_ = 0;
  armed_ = false;
}

}  // namespace sds::train
