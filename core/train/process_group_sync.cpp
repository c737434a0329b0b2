#include "train/process_group_sync.h"

#include <torch/torch.h>

namespace sds::train {

ProcessGroupGradientSync::ProcessGroupGradientSync(std::unique_ptr<runtime::ProcessGroup> group,
                                                   std::chrono::milliseconds mainWorkTimeout, std::size_t bucketBytes)
    : group_(std::move(group)), mainWorkTimeout_(mainWorkTimeout), bucketBytes_(bucketBytes) {}

void ProcessGroupGradientSync::watch(const std::vector<at::Tensor>& parameters) {
  buckets_ = std::make_unique<GradientBuckets>(*group_, parameters, bucketBytes_);
}

void ProcessGroupGradientSync::beforeLastBackward() {
  if (buckets_) buckets_->arm();
}

bool ProcessGroupGradientSync::average(std::vector<at::Tensor>& gradients) {
  if (buckets_ && buckets_->armed()) {
    buckets_->finish();
    return true;
  }
  // Buckets in parameter order, each one collective; a bucket closes once it holds bucketBytes_.
  std::vector<at::Tensor> bucket;
  std::size_t bytes = 0;
  for (at::Tensor& g : gradients) {
    bucket.push_back(g);
    bytes += g.numel() * g.element_size();
    if (bytes >= bucketBytes_) {
      group_->allReduceMean(bucket);
      bucket.clear();
      bytes = 0;
    }
  }
  if (!bucket.empty()) group_->allReduceMean(bucket);
  return true;
}

void ProcessGroupGradientSync::averageValues(std::vector<double>& values) {
  if (values.empty()) return;
  std::vector<at::Tensor> packed{torch::tensor(values, torch::kFloat64)};
  group_->allReduceMean(packed);
  const auto accessor = packed[0].accessor<double, 1>();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = accessor[static_cast<std::int64_t>(i)];
}

void ProcessGroupGradientSync::broadcastFromMain(std::vector<at::Tensor>& tensors) {
  group_->broadcast(tensors, 0);
}

void ProcessGroupGradientSync::broadcastFrom(std::vector<at::Tensor>& tensors, int root) {
  group_->broadcast(tensors, root);
}

void ProcessGroupGradientSync::waitForAll() { group_->barrier(mainWorkTimeout_); }

}  // namespace sds::train
