// NCCL's collectives between GPUs (LibTorch builds with CUDA). Each rank sees only its own GPU, so
// every tensor goes to cuda:0 of its process.

#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

#include "runtime/process_group_c10d.h"

namespace sds::runtime::detail {
namespace {

at::Tensor onGpu(const at::Tensor& t) { return t.is_cuda() && t.is_contiguous() ? t : t.to(at::kCUDA).contiguous(); }

class NcclGroup : public StoreBackedGroup {
  struct NcclPending : Pending {
    explicit NcclPending(NcclGroup& group) : group(group) {}
    // Makes the current stream wait for NCCL's; copies back what went through a dense GPU copy.
    void wait() override {
      if (!work) return;
      group.run("all-reduce", [&] { work->wait(); });
      work.reset();
      for (std::size_t i = 0; i < targets.size(); ++i)
        if (!dense[i].is_same(targets[i])) targets[i].copy_(dense[i]);
    }
    NcclGroup& group;
    std::vector<at::Tensor> targets, dense;
    c10::intrusive_ptr<c10d::Work> work;
  };

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

  // In place, no packing: NCCL averages the tensors as one group of operations (one launch, no copies
  // into a flat buffer and back). Tensors NCCL cannot read where they are (host tensors: the step's
  // few values; strided views) go through a dense GPU copy.
  std::unique_ptr<Pending> startAllReduceMean(std::vector<at::Tensor> tensors) override {
    auto pending = std::make_unique<NcclPending>(*this);
    pending->targets = std::move(tensors);
    for (const at::Tensor& t : pending->targets)
      pending->dense.push_back(t.is_cuda() && t.is_non_overlapping_and_dense() ? t : t.to(at::kCUDA).contiguous());
    if (pending->dense.empty()) return pending;
    c10d::AllreduceCoalescedOptions options;
    options.reduceOp = c10d::ReduceOp::AVG;
    run("all-reduce", [&] { pending->work = group_->allreduce_coalesced(pending->dense, options); });
    return pending;
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
