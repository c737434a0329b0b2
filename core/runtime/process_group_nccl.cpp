// NCCL's collectives between GPUs (LibTorch builds with CUDA). Each rank sees only its own GPU, so
// every tensor goes to cuda:0 of its process.

#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

#include <map>

#include "runtime/process_group_c10d.h"

namespace sds::runtime::detail {
namespace {

at::Tensor onGpu(const at::Tensor& t) { return t.is_cuda() && t.is_contiguous() ? t : t.to(at::kCUDA).contiguous(); }

class NcclGroup : public StoreBackedGroup {
 public:
  NcclGroup(c10::intrusive_ptr<c10d::TCPStore> store, c10::intrusive_ptr<c10d::ProcessGroupNCCL> group, int rank,
            int worldSize)
      : StoreBackedGroup(std::move(store), rank, worldSize), group_(std::move(group)) {}
  // Ends NCCL's communicators and watchdog before the group goes, as destroy_process_group() does.
  ~NcclGroup() override {
    try {
      group_->shutdown();
    } catch (const std::exception&) {  // a peer already gone: nothing left to end cleanly
    }
  }

  // One collective per dtype over a flat GPU buffer; host tensors (the step's few values) go through
  // the GPU too.
  void allReduceMean(std::vector<at::Tensor>& tensors) override {
    std::map<c10::ScalarType, std::vector<at::Tensor*>> byType;
    for (at::Tensor& t : tensors) byType[t.scalar_type()].push_back(&t);
    for (auto& [type, group] : byType) {
      std::vector<at::Tensor> flat;
      for (const at::Tensor* t : group) flat.push_back(onGpu(*t).reshape({-1}));
      std::vector<at::Tensor> buffer{flat.size() == 1 ? flat[0].clone() : at::cat(flat)};
      c10d::AllreduceOptions options;
      options.reduceOp = c10d::ReduceOp::SUM;
      run("all-reduce", [&] { group_->allreduce(buffer, options)->wait(); });
      buffer[0].div_(worldSize_);
      std::int64_t offset = 0;
      for (at::Tensor* t : group) {
        t->copy_(buffer[0].narrow(0, offset, t->numel()).view(t->sizes()));
        offset += t->numel();
      }
    }
  }

  void broadcast(std::vector<at::Tensor>& tensors, int root) override {
    c10d::BroadcastOptions options;
    options.rootRank = root;
    for (at::Tensor& t : tensors) {
      std::vector<at::Tensor> one{onGpu(t)};
      run("broadcast", [&] { group_->broadcast(one, options)->wait(); });
      if (!one[0].is_same(t)) t.copy_(one[0]);
    }
  }

  void barrier() override {
    run("barrier", [&] { group_->barrier()->wait(); });
  }
  using StoreBackedGroup::barrier;

 private:
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> group_;
};

}  // namespace

std::unique_ptr<ProcessGroup> joinNccl(const GroupOptions& o, c10::intrusive_ptr<c10d::TCPStore> store) {
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = o.timeout;
  auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, o.rank, o.worldSize, options);
  return std::make_unique<NcclGroup>(store, group, o.rank, o.worldSize);
}

}  // namespace sds::runtime::detail
