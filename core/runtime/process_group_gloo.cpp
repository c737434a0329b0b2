// Gloo's collectives over TCP: the CPU backend (GPU tensors travel through host memory).

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#include <map>

#include "runtime/process_group_c10d.h"

namespace sds::runtime::detail {
namespace {

class GlooGroup : public StoreBackedGroup {
 public:
  GlooGroup(c10::intrusive_ptr<c10d::TCPStore> store, c10::intrusive_ptr<c10d::ProcessGroupGloo> group, int rank,
            int worldSize)
      : StoreBackedGroup(std::move(store), rank, worldSize), group_(std::move(group)) {}

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
  using StoreBackedGroup::barrier;

 private:
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};

}  // namespace

std::unique_ptr<ProcessGroup> joinGloo(const GroupOptions& o, c10::intrusive_ptr<c10d::TCPStore> store) {
  auto options = c10d::ProcessGroupGloo::Options::create();
  options->timeout = o.timeout;
  // Loopback for a machine's own ranks; across machines the interface this host's name resolves to.
  const bool local = o.masterAddress == "127.0.0.1" || o.masterAddress == "localhost";
  options->devices.push_back(local ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                   : c10d::ProcessGroupGloo::createDefaultDevice());
  auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, o.rank, o.worldSize, options);
  return std::make_unique<GlooGroup>(store, group, o.rank, o.worldSize);
}

}  // namespace sds::runtime::detail
