// Gloo's collectives over TCP: the CPU backend (GPU tensors travel through host memory).

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#include <map>

#include "runtime/process_group_c10d.h"

namespace sds::runtime::detail {
namespace {

class GlooGroup : public StoreBackedGroup {
  struct GlooPending : Pending {
    struct Part {
      std::vector<at::Tensor> buffer;   // the packed tensors of one dtype
      std::vector<at::Tensor> targets;  // where the mean goes back to
      c10::intrusive_ptr<c10d::Work> work;
    };
    explicit GlooPending(GlooGroup& group) : group(group) {}
    void wait() override {
      for (Part& part : parts) {
        group.run("all-reduce", [&] { part.work->wait(); });
        part.buffer[0].div_(group.worldSize_);
        std::int64_t offset = 0;
        for (at::Tensor& t : part.targets) {
          t.copy_(part.buffer[0].narrow(0, offset, t.numel()).view(t.sizes()));
          offset += t.numel();
        }
      }
      parts.clear();
    }
    GlooGroup& group;
    std::vector<Part> parts;
  };

 public:
  GlooGroup(c10::intrusive_ptr<c10d::TCPStore> store, c10::intrusive_ptr<c10d::ProcessGroupGloo> group, int rank,
            int worldSize)
      : StoreBackedGroup(std::move(store), rank, worldSize), group_(std::move(group)) {}

  // One collective per dtype: the tensors are packed into one flat buffer (Gloo reduces a list of
  // tensors only when they share dtype and shape) and unpacked when waited for.
  std::unique_ptr<Pending> startAllReduceMean(std::vector<at::Tensor> tensors) override {
    auto pending = std::make_unique<GlooPending>(*this);
    std::map<c10::ScalarType, std::vector<at::Tensor>> byType;
    for (at::Tensor& t : tensors) byType[t.scalar_type()].push_back(t);
    for (auto& [type, group] : byType) {
      std::vector<at::Tensor> flat;
      for (const at::Tensor& t : group) flat.push_back(t.reshape({-1}));
      GlooPending::Part part;
      part.buffer = {at::cat(flat)};
      if (!part.buffer[0].is_cpu()) part.buffer[0] = part.buffer[0].cpu();
      run("all-reduce", [&] { part.work = group_->allreduce(part.buffer); });
      part.targets = std::move(group);
      pending->parts.push_back(std::move(part));
    }
    return pending;
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
